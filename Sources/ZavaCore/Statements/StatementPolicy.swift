import ZavaPostgres

/// What zava refuses to send, checked before a statement reaches the server. The one place
/// these rules live: the REPL, `zava -c` and every MCP tool reach the database only through
/// `Session`, which applies them.
public struct StatementPolicy: Sendable, Equatable {
    /// 256 KiB: far beyond any statement a person or an agent writes, small enough that no
    /// statement keeps a backend parsing for long.
    public static let defaultMaxBytes = 256 << 10
    /// Longer runs of operator characters are refused (`StatementShape`): no operator is longer
    /// than 63 characters, and a comment marker needs two.
    public static let maxOperatorRun = 256

    public var maxBytes: Int

    public init(maxBytes: Int = StatementPolicy.defaultMaxBytes) {
        self.maxBytes = max(1, maxBytes)
    }

    /// Throws a `DatabaseError` (with a SQLSTATE, as if the server had refused) when `sql` may not
    /// be sent for `identity` (nil: no identity, treated like a store).
    public func check(_ sql: String, for identity: Identity?) throws {
        let shape = StatementShape(sql)
        if let offset = shape.firstNUL {
            throw DatabaseError(sqlState: "22021", message: "the statement contains a NUL byte (at byte \(offset + 1))",
                                hint: "PostgreSQL text cannot hold NUL; remove it (it would silently cut the statement short)")
        }
        if shape.bytes > maxBytes {
            throw DatabaseError(sqlState: "54000", message: "the statement is \(shape.bytes) bytes; zava sends at most \(maxBytes)",
                                hint: "raise ZAVA_MAX_STATEMENT_BYTES if you really need longer statements")
        }
        if shape.longestOperatorRun > Self.maxOperatorRun {
            throw DatabaseError(sqlState: "54001",
                                message: "the statement has \(shape.longestOperatorRun) operator characters in a row (such as /* + - *); zava sends at most \(Self.maxOperatorRun)",
                                hint: "PostgreSQL's lexer takes time quadratic in such runs and cannot be interrupted there; separate operators and comment markers with spaces")
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
