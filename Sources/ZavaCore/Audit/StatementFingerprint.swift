import CPgQuery

/// What the audit trail keeps of a statement: PostgreSQL's own fingerprint (the same for every
/// statement of one shape, whatever its literals) and the text with every literal replaced by
/// `$n`. Both come from libpg_query, the server's parser as a library.
public struct StatementFingerprint: Sendable, Equatable {
    /// 16 hex digits; nil when libpg_query cannot parse the statement (a syntax error, or
    /// PostgreSQL 18 grammar newer than its own).
    public var fingerprint: String?
    /// The statement without literals or comments. When the parser cannot help,
    /// `LiteralScrubber` removes quoted strings and numbers instead, so no literal is ever
    /// written either way.
    public var normalized: String

    public init(_ sql: String) {
        let normalizedResult = pg_query_normalize(sql)
        defer { pg_query_free_normalize_result(normalizedResult) }
        if normalizedResult.error == nil, let text = normalizedResult.normalized_query {
            // The normaliser replaces constants but keeps comments, which can hold anything.
            normalized = LiteralScrubber.scrub(String(cString: text))
            let fingerprintResult = pg_query_fingerprint(sql)
            defer { pg_query_free_fingerprint_result(fingerprintResult) }
            fingerprint = fingerprintResult.error == nil ? fingerprintResult.fingerprint_str.map { String(cString: $0) } : nil
        } else {
            normalized = LiteralScrubber.scrub(sql)
            fingerprint = nil
        }
        summary = Self.summary(of: normalized)
    }

    /// A low-cardinality name for the statement (OpenTelemetry's `db.query.summary`): its first
    /// keyword and the first relation it reads, as in `SELECT retail.orders`.
    public var summary: String

    private static func summary(of normalized: String) -> String {
        let words = normalized.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "(" || $0 == ")" || $0 == "," })
        guard let first = words.first else { return "statement" }
        let operation = first.uppercased()
        guard let from = words.firstIndex(where: { $0.lowercased() == "from" }), from + 1 < words.count else { return operation }
        let target = words[from + 1].prefix(64)
        let plain = target.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "\"" }
        return plain ? "\(operation) \(target)" : operation
    }
}
