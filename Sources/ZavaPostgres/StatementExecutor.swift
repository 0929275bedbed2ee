/// The seam between the product's rules and the driver: whatever runs a pipelined statement
/// for a request charged to quota keys. `ConnectionPool` is the real one; a test's fake
/// records what it was sent and answers with scripted rows, so the statements a session sends
/// can be checked without a server.
package protocol StatementExecutor: Sendable {
    /// Runs `statement` (set-up, the one statement, clean-up) and streams its rows into `sink`.
    func execute(_ statement: PipelinedStatement, charging keys: [QuotaKey], into sink: any RowSink) async throws -> StatementSummary
    /// Forgets idle connections after one turned out broken (a retry then connects afresh).
    func discardIdle() async
    /// Statements it runs at once at most.
    var size: Int { get }
    var statistics: ConnectionPool.Statistics { get async }
    func close() async
}

extension ConnectionPool: StatementExecutor {
    package func execute(_ statement: PipelinedStatement, charging keys: [QuotaKey], into sink: any RowSink) async throws -> StatementSummary {
        try await withConnection(charging: keys) { connection in
            try await connection.execute(statement, into: sink)
        }
    }
}
