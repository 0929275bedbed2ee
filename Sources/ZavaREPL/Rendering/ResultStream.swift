import ZavaCore
import ZavaPostgres

/// Writes a streamed result in one format as its rows arrive, so an export of any size
/// holds at most one batch in memory. CSV and TSV copy the server's text straight through;
/// the aligned table is laid out per batch of `batchSize` rows (as psql's `FETCH_COUNT`), so
/// a result of up to that many rows looks exactly as when collected.
final class ResultStream: @unchecked Sendable {
    static let batchSize = 10_000

    private let format: OutputFormat
    private let style: RenderStyle
    private let out: OutputBuffer
    /// COPY's options: a header line or not (the text formats only).
    private let header: Bool
    private var columns: [Column] = []
    private var batch: [[PGValue]] = []
    private(set) var rows = 0

    init(format: OutputFormat, style: RenderStyle, to out: OutputBuffer, header: Bool = true) {
        self.format = format
        self.style = style
        self.out = out
        self.header = header
    }

    func begin(_ columns: [Column]) {
        self.columns = columns
        switch format {
        case .csv where header: out.write(CSVRenderer.header(columns, crlf: style.crlf))
        case .tsv where header: out.write(TSVRenderer.header(columns))
        case .markdown: out.write(MarkdownRenderer.header(columns))
        case .json: out.write("[")
        default: break
        }
    }

    func row(_ row: RawRow) {
        rows += 1
        switch format {
        case .csv: out.write { CSVRenderer.append(row, crlf: style.crlf, to: &$0) }
        case .tsv: out.write { TSVRenderer.append(row, to: &$0) }
        case .json: out.write((rows == 1 ? "\n" : ",\n") + JSONRenderer.object(row.decoded(), columns: columns))
        case .markdown: out.write(MarkdownRenderer.line(row.decoded()))
        case .table, .auto, .expanded:
            batch.append(row.decoded())
            if batch.count >= Self.batchSize { flushBatch() }
        }
    }

    /// Ends the output: the last batch and the footer (with the truncation notice when a row
    /// cap cut the result).
    func finish(_ summary: StatementSummary) {
        let aligned = format == .table || format == .auto || format == .expanded
        if aligned, columns.isEmpty, summary.columns.isEmpty {
            out.write(summary.commandTag + "\n") // a statement without rows, as psql shows it
            return
        }
        switch format {
        case .json: out.write(rows == 0 ? "]\n" : "\n]\n")
        case .table, .auto:
            if !batch.isEmpty || rows == 0 { flushBatch() } // the header, even over no rows
            out.write(Footer.text(rows: rows, truncated: summary.truncated) + "\n")
        case .expanded:
            if !batch.isEmpty { flushBatch() }
            if rows == 0 || summary.truncated { out.write(Footer.text(rows: rows, truncated: summary.truncated) + "\n") }
        default: break
        }
    }

    private func flushBatch() {
        let first = rows - batch.count + 1
        let chunk = QueryResult(columns: columns, rows: batch)
        if format == .expanded {
            out.write(ExpandedRenderer(style: style).renderRecords(chunk, firstNumber: first))
        } else {
            out.write { TableRenderer(style: style).renderBatch(chunk, header: first <= 1, into: &$0) }
        }
        batch.removeAll(keepingCapacity: true)
    }
}
