import ZavaPostgres

/// The second line of defence behind `StatementPolicy`'s EXPLAIN ANALYZE check, independent
/// of any parsing: for identities other than head office, a plan (the one `QUERY PLAN`
/// column EXPLAIN returns) that carries execution statistics is stopped before its first row
/// reaches the caller. Every format (text, JSON, XML, YAML) writes "actual" (`actual rows=`,
/// `"Actual Rows"`, `<Actual-Rows>`) or "never executed" in its first row when ANALYZE was on.
final class ExecutionStatisticsGuard: RowSink, @unchecked Sendable {
    private let wrapped: RowSink
    private var isPlan = false

    init(wrapping sink: RowSink) { wrapped = sink }

    func receive(columns: [Column]) throws {
        isPlan = columns.count == 1 && columns[0].name == "QUERY PLAN"
        try wrapped.receive(columns: columns)
    }

    func receive(row: RawRow) throws {
        if isPlan, !row.isNull(0), row.withBytes(0, Self.carriesExecutionStatistics) {
            throw StatementPolicy.explainAnalyzeRefused
        }
        try wrapped.receive(row: row)
    }

    static func carriesExecutionStatistics(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let lowered = String(decoding: text, as: UTF8.self).lowercased()
        return ["actual", "never executed", "rows removed", "execution time", "heap fetches"]
            .contains { lowered.contains($0) }
    }
}
