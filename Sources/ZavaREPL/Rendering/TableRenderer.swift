import ZavaCore
import ZavaPostgres

/// psql's aligned format: centred headers, numbers right-aligned, `|` separators, row count.
/// Written straight into bytes: a 100,000-row result makes no per-cell strings.
struct TableRenderer {
    var style: RenderStyle

    func render(_ result: QueryResult) -> String {
        var bytes: [UInt8] = []
        render(result, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The table, or nil when its lines are wider than `width` (`auto` then goes expanded);
    /// the cells are measured once either way.
    func render(_ result: QueryResult, fitting width: Int) -> String? {
        let layout = Layout(result, style: style)
        guard layout.lineWidth <= width else { return nil }
        var bytes: [UInt8] = []
        render(result, layout: layout, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    func render(_ result: QueryResult, into out: inout [UInt8]) {
        render(result, layout: Layout(result, style: style), into: &out)
    }

    /// One batch of a streamed result: aligned on its own, with the header only on the first
    /// batch and no footer (the stream writes the total).
    func renderBatch(_ result: QueryResult, header: Bool, into out: inout [UInt8]) {
        render(result, layout: Layout(result, style: style), header: header, footer: false, into: &out)
    }

    private func render(_ result: QueryResult, layout: Layout, header: Bool = true, footer: Bool = true, into out: inout [UInt8]) {
        guard !result.columns.isEmpty else {
            out.append(contentsOf: (result.commandTag + "\n").utf8)
            return
        }
        let widths = layout.widths
        out.reserveCapacity(out.count + (result.rows.count + 3) * (widths.reduce(0, +) + 3 * widths.count))
        if header {
            for (index, column) in result.columns.enumerated() {
                if index > 0 { out.append(124) }
                out.append(32)
                out.append(contentsOf: style.header(centred(column.name, width: widths[index])).utf8)
                out.append(32)
            }
            out.append(10)
            for (index, width) in widths.enumerated() {
                if index > 0 { out.append(43) }
                out.append(contentsOf: repeatElement(45, count: width + 2))
            }
            out.append(10)
        }
        let last = widths.count - 1
        let nullBytes = Array(style.nullText().utf8)
        for (rowIndex, row) in result.rows.enumerated() {
            let cellWidths = layout.cellWidths[(rowIndex * widths.count)..<((rowIndex + 1) * widths.count)]
            guard !cellWidths.contains(Layout.multiLine) else {
                appendMultiLine(row, widths: widths, into: &out)
                continue
            }
            let lineStart = out.count
            for (index, value) in row.enumerated() {
                if index > 0 { out.append(124) }
                out.append(32)
                let padding = widths[index] - Int(cellWidths[cellWidths.startIndex + index])
                if value.isNull {
                    out.append(contentsOf: nullBytes)
                    if index < last { out.append(contentsOf: repeatElement(32, count: padding + 1)) }
                } else if value.isNumeric {
                    out.append(contentsOf: repeatElement(32, count: padding))
                    out.append(contentsOf: value.displayText.utf8)
                    if index < last { out.append(32) }
                } else {
                    out.append(contentsOf: value.displayText.utf8)
                    if index < last { out.append(contentsOf: repeatElement(32, count: padding + 1)) }
                }
            }
            while out.count > lineStart, out.last == 32 { out.removeLast() }
            out.append(10)
        }
        if footer { out.append(contentsOf: (Footer.text(result) + "\n").utf8) }
    }

    /// A row with a multi-line value: one output line per value line, as psql does.
    private func appendMultiLine(_ row: [PGValue], widths: [Int], into out: inout [UInt8]) {
        let lines = row.map { value in
            value.isNull ? [style.null] : value.displayText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        let height = lines.map(\.count).max() ?? 1
        for lineIndex in 0..<height {
            var fields: [String] = []
            for (index, cellLines) in lines.enumerated() {
                let text = lineIndex < cellLines.count ? cellLines[lineIndex] : ""
                let value = row[index]
                let isLast = index == lines.count - 1
                if value.isNull {
                    fields.append(" " + (lineIndex == 0 ? style.nullText(width: isLast ? nil : widths[index]) : DisplayWidth.pad("", to: widths[index])))
                } else if isLast && !value.isNumeric {
                    fields.append(" " + text)
                } else {
                    fields.append(" " + DisplayWidth.pad(text, to: widths[index], rightAligned: value.isNumeric) + " ")
                }
            }
            var line = fields.joined(separator: "|")
            while line.hasSuffix(" ") { line.removeLast() }
            out.append(contentsOf: (line + "\n").utf8)
        }
    }

    private func centred(_ text: String, width: Int) -> String {
        let space = max(0, width - DisplayWidth.of(text))
        let left = space / 2
        return String(repeating: " ", count: left) + text + String(repeating: " ", count: space - left)
    }

    /// Column widths, and each cell's width (or `multiLine`), measured once.
    private struct Layout {
        static let multiLine: Int32 = -1
        var widths: [Int]
        var cellWidths: [Int32]
        /// Columns of every line: ` a | b ` per column, `|` between.
        var lineWidth: Int { widths.reduce(0, +) + 3 * widths.count - 1 }

        init(_ result: QueryResult, style: RenderStyle) {
            widths = result.columns.map { DisplayWidth.of($0.name) }
            cellWidths = []
            cellWidths.reserveCapacity(result.rows.count * widths.count)
            let nullWidth = DisplayWidth.of(style.null)
            for row in result.rows {
                for (index, value) in row.enumerated() {
                    let width: Int
                    var multiLine = false
                    switch value {
                    case .null: width = nullWidth
                    case .int(let number): width = Self.digits(number)
                    default: (width, multiLine) = Self.measure(value.displayText)
                    }
                    widths[index] = max(widths[index], width)
                    cellWidths.append(multiLine ? Self.multiLine : Int32(width))
                }
            }
        }

        static func digits(_ number: Int64) -> Int {
            var count = number < 0 ? 2 : 1
            var rest = number.magnitude / 10
            while rest > 0 { count += 1; rest /= 10 }
            return count
        }

        /// Printable ASCII is one column a byte (one pass); anything else is measured per line.
        static func measure(_ text: String) -> (width: Int, multiLine: Bool) {
            var count = 0
            for byte in text.utf8 {
                guard byte >= 0x20 && byte < 0x7F else {
                    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                    return (lines.map { DisplayWidth.of(String($0)) }.max() ?? 0, lines.count > 1)
                }
                count += 1
            }
            return (count, false)
        }
    }
}

/// psql's `\x` format: one block per row, `column | value` lines.
struct ExpandedRenderer {
    var style: RenderStyle

    func render(_ result: QueryResult) -> String {
        guard !result.columns.isEmpty else { return result.commandTag + "\n" }
        guard !result.rows.isEmpty else { return "(0 rows)\n" }
        var out = renderRecords(result, firstNumber: 1)
        if result.truncated { out += Footer.text(result) + "\n" }
        return out
    }

    /// The records of `result`, numbered from `firstNumber` (a stream writes them in batches).
    func renderRecords(_ result: QueryResult, firstNumber: Int) -> String {
        let nameWidth = result.columns.map { DisplayWidth.of($0.name) }.max() ?? 0
        var out = ""
        for (index, row) in result.rows.enumerated() {
            out += "-[ RECORD \(index + firstNumber) ]" + String(repeating: "-", count: max(0, nameWidth - 10)) + "\n"
            for (column, value) in zip(result.columns, row) {
                let text = value.isNull ? style.nullText() : value.displayText
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                for (lineIndex, line) in lines.enumerated() {
                    let label = lineIndex == 0 ? column.name : ""
                    out += style.header(DisplayWidth.pad(label, to: nameWidth)) + " | " + line + "\n"
                }
            }
        }
        return out
    }
}
