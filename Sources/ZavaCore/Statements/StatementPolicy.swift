/// What zava refuses to send, checked before a statement reaches the server. The one place
/// these rules live: the REPL, `zava -c` and every MCP tool reach the database only through
/// `Session`, which applies them.
public struct StatementPolicy: Sendable, Equatable {
    /// 256 KiB: far beyond any statement a person or an agent writes, small enough that no
    /// statement keeps a backend parsing for long.
    public static let defaultMaxBytes = 256 << 10
    /// Nested comments deeper than this are refused: legitimate SQL hardly nests them at all.
    public static let maxCommentDepth = 16

    public var maxBytes: Int

    public init(maxBytes: Int = StatementPolicy.defaultMaxBytes) {
        self.maxBytes = max(1, maxBytes)
    }

    /// Throws a `DatabaseError` (with a SQLSTATE, as if the server had refused) when `sql` may not
    /// be sent for `identity` (nil: no identity, treated like a store).
    func check(_ sql: String, for identity: Identity?) throws {
        let shape = StatementShape(sql)
        if let offset = shape.firstNUL {
            throw DatabaseError(sqlState: "22021", message: "the statement contains a NUL byte (at byte \(offset + 1))",
                                hint: "PostgreSQL text cannot hold NUL; remove it (it would silently cut the statement short)")
        }
        if shape.bytes > maxBytes {
            throw DatabaseError(sqlState: "54000", message: "the statement is \(shape.bytes) bytes; zava sends at most \(maxBytes)",
                                hint: "raise ZAVA_MAX_STATEMENT_BYTES if you really need longer statements")
        }
        if shape.commentDepth > Self.maxCommentDepth {
            throw DatabaseError(sqlState: "54001",
                                message: "comments nested \(shape.commentDepth) deep; zava sends at most \(Self.maxCommentDepth) levels",
                                hint: "PostgreSQL's lexer cannot be interrupted inside deeply nested comments")
        }
        guard identity?.isHeadOffice != true, shape.mentionsExplain else { return }
        switch ExplainOptions.inspect(sql) {
        case .plansOnly:
            return
        case .executes:
            throw Self.explainAnalyzeRefused
        case .unparsable:
            // The server's grammar is newer than libpg_query's: an EXPLAIN whose options cannot
            // be read is refused; anything else goes to the server, which has the last word.
            if shape.leadingKeyword == "explain" { throw Self.explainAnalyzeRefused }
        }
    }

    /// EXPLAIN ANALYZE counts rows before row-level security removes them (`Rows Removed by
    /// Filter`, index scans' actual rows): other stores' exact figures.
    static let explainAnalyzeRefused = DatabaseError(
        sqlState: "42501", message: "EXPLAIN ANALYZE is not available to store identities",
        detail: "Execution statistics count rows before row-level security filters them, so they reveal other stores' figures.",
        hint: "Use EXPLAIN without ANALYZE (estimates only), or run it as headoffice.")
}
