/// A result column: its name and the server's name for its type.
public struct Column: Sendable, Hashable {
    public var name: String
    public var typeOID: UInt32
    public var typeName: String

    public init(name: String, typeOID: UInt32, typeName: String) {
        self.name = name
        self.typeOID = typeOID
        self.typeName = typeName
    }

    /// Whether the column holds numbers (renderers right-align them).
    /// Whether the column's values decode as numbers (`PGValue.isNumeric`): one rule, the decoder's.
    public var isNumeric: Bool {
        switch PGValueDecoder.kind(for: typeName) {
        case .int, .double, .numeric: true
        default: false
        }
    }
}

/// The one value every renderer consumes: the REPL's table, csv, json and markdown views
/// and the MCP tools' compact JSON are all views of it.
public struct QueryResult: Sendable {
    public var columns: [Column]
    public var rows: [[PGValue]]
    /// True when the row cap cut the result: more rows existed than `rows` holds.
    public var truncated: Bool
    /// The server's command tag, e.g. `SELECT 42` or `EXPLAIN`.
    public var commandTag: String
    /// Wall time from sending the request to the last row.
    public var elapsed: Duration

    public init(columns: [Column], rows: [[PGValue]], truncated: Bool = false,
                commandTag: String = "", elapsed: Duration = .zero) {
        self.columns = columns
        self.rows = rows
        self.truncated = truncated
        self.commandTag = commandTag
        self.elapsed = elapsed
    }
}

/// What a streamed statement reports once its rows have been handed out.
public struct StatementSummary: Sendable {
    public var columns: [Column]
    public var rowCount: Int
    public var truncated: Bool
    public var commandTag: String
    public var elapsed: Duration
}
