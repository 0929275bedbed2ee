import Foundation
import ZavaCore
import ZavaPostgres

/// How a result is shown: the REPL's `:format`, `zava -c --format`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, expanded, auto, csv, tsv, json, markdown

    /// Whether the rendering itself says that a result was truncated (the aligned formats'
    /// footer); the others need the notice written beside them.
    var announcesTruncation: Bool { self == .table || self == .expanded || self == .auto }

    /// Renders a whole result (the streaming formats also have row-at-a-time writers).
    /// `width` is the terminal's: `auto` shows rows wider than it expanded.
    public func render(_ result: QueryResult, style: RenderStyle = .plain, width: Int? = nil) -> String {
        switch self {
        case .table: TableRenderer(style: style).render(result)
        case .expanded: ExpandedRenderer(style: style).render(result)
        case .auto:
            if let width {
                TableRenderer(style: style).render(result, fitting: width) ?? ExpandedRenderer(style: style).render(result)
            } else {
                TableRenderer(style: style).render(result)
            }
        case .csv: CSVRenderer.render(result, crlf: style.crlf)
        case .tsv: TSVRenderer.render(result)
        case .json: JSONRenderer.render(result)
        case .markdown: MarkdownRenderer.render(result)
        }
    }
}

/// Presentation choices that do not change the data: how NULL looks, colour, CSV's line ends.
public struct RenderStyle: Sendable {
    public var null: String
    public var colour: Bool
    /// RFC 4180's CRLF line endings in CSV instead of psql's LF.
    public var crlf: Bool

    public init(null: String = RenderStyle.defaultNull(), colour: Bool = false, crlf: Bool = false) {
        self.null = null
        self.colour = colour
        self.crlf = crlf
    }

    public static let plain = RenderStyle()

    /// `∅` where the locale can show it, else psql's empty text (`\pset null` chooses another).
    public static func defaultNull(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        TerminalInfo.isUTF8(environment) ? "∅" : ""
    }

    func header(_ text: String) -> String { colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func nullText(width: Int? = nil) -> String {
        let text = width.map { DisplayWidth.pad(null, to: $0) } ?? null
        return colour ? "\u{1B}[2m\(text)\u{1B}[0m" : text
    }
}

/// The footer psql prints under a result: `(3 rows)` plus the truncation notice.
enum Footer {
    /// Why a collected result can be cut short (a streamed one only by the row cap).
    private static let truncationReason = "the row cap (--max-rows, ZAVA_ROW_CAP) or the 64 MiB result size cap stopped it"

    /// The notice for a collected result cut short after `rows` rows.
    static func truncationNotice(rows: String) -> String { "result truncated at \(rows) rows: \(truncationReason)" }

    static func text(_ result: QueryResult) -> String { text(rows: result.rows.count, truncated: result.truncated) }

    static func text(rows count: Int, truncated: Bool) -> String {
        var text = "(\(count) row\(count == 1 ? "" : "s"))"
        if truncated {
            text += "\n(\(Footer.truncationNotice(rows: "\(count)")))"
        }
        return text
    }
}
