import Foundation
import Synchronization
@testable import ZavaCore
@testable import ZavaPostgres

/// A statement executor with no server behind it: it records every pipeline it is sent (the
/// set-up, the statement, its parameters, the clean-up, whom it was charged to) and answers
/// each with the first scripted reply whose matcher accepts the statement, else with an empty
/// result. Rows pass through the same sink as a connection's, so the row cap, truncation and
/// the execution-statistics guard behave as they do against PostgreSQL.
package final class FakeStatementExecutor: StatementExecutor, Sendable {
    /// One request as the session sent it.
    package struct Sent: Sendable, Equatable {
        package var setup: [String]
        package var statement: String
        package var parameters: [String?]
        package var cleanup: [String]
        package var keys: [QuotaKey]
        package var rowLimit: Int
        package var timeout: Duration
    }

    /// What a matching statement answers: rows of server text for the columns, or an error.
    package struct Reply: Sendable {
        package var columns: [Column]
        package var rows: [[String?]]
        package var error: (any Error & Sendable)?

        package init(columns: [Column] = [], rows: [[String?]] = []) {
            self.columns = columns
            self.rows = rows
        }

        package init(error: any Error & Sendable) {
            columns = []
            rows = []
            self.error = error
        }
    }

    private struct Script: Sendable {
        var matches: @Sendable (String) -> Bool
        var reply: Reply
    }

    private let state = Mutex<(sent: [Sent], scripts: [Script])>(([], []))
    package let size: Int

    package init(size: Int = 4) { self.size = size }

    /// Answers statements that contain `fragment` (case-insensitive) with `reply`; later
    /// scripts are consulted only when earlier ones do not match.
    package func answer(_ fragment: String, with reply: Reply) {
        let lowered = fragment.lowercased()
        state.withLock { $0.scripts.append(Script(matches: { $0.lowercased().contains(lowered) }, reply: reply)) }
    }

    /// Every request sent so far, in order.
    package var sent: [Sent] { state.withLock { $0.sent } }

    package func execute(_ statement: PipelinedStatement, charging keys: [QuotaKey],
                         into sink: any RowSink) async throws -> StatementSummary {
        let reply = state.withLock { state -> Reply in
            state.sent.append(Sent(setup: statement.setup, statement: statement.statement, parameters: statement.parameters,
                                   cleanup: statement.cleanup, keys: keys, rowLimit: statement.rowLimit, timeout: statement.timeout))
            return state.scripts.first { $0.matches(statement.statement) }?.reply ?? Reply()
        }
        if let error = reply.error { throw error }
        try sink.receive(columns: reply.columns)
        var handed = 0
        var bytes = 0
        for row in reply.rows {
            let size = row.reduce(0) { $0 + ($1?.utf8.count ?? 0) }
            guard handed < statement.rowLimit, bytes + size <= statement.byteLimit else { break }
            try sink.receive(row: RawRow(text: row, columns: reply.columns))
            handed += 1
            bytes += size
        }
        return StatementSummary(columns: reply.columns, rowCount: handed, truncated: handed < reply.rows.count,
                                commandTag: "SELECT \(handed)", elapsed: .milliseconds(1))
    }

    package func discardIdle() async {}

    package var statistics: ConnectionPool.Statistics {
        ConnectionPool.Statistics(size: size, open: 0, inUse: 0, waiting: 0)
    }

    package func close() async {}
}

extension Column {
    /// A result column of a PostgreSQL type, by the name the server gives it (`text`, `bigint`,
    /// `numeric`, `date`, `uuid`, `boolean` ...).
    package static func named(_ name: String, _ typeName: String = "text") -> Column {
        Column(name: name, typeOID: 0, typeName: typeName)
    }
}

extension Database {
    /// A data layer over `executor`, and the store identities the fake answers for
    /// `retail.stores` (the seed's eight stores).
    package static func fake(_ executor: FakeStatementExecutor, rowCap: Int = 1_000) -> Database {
        executor.answer("FROM retail.stores ORDER BY store_id", with: FakeStatementExecutor.Reply(
            columns: [.named("store_id", "integer"), .named("store_name"), .named("rls_user_id", "uuid")],
            rows: FakeStatementExecutor.stores.enumerated().map { [String($0.offset + 1), $0.element.name, $0.element.id] }))
        return Database(executor: executor, limits: QueryLimits(rowCap: rowCap, statementTimeout: .seconds(5)))
    }
}

extension FakeStatementExecutor {
    /// The sample's stores and their rls_user_ids.
    package static let stores: [(name: String, id: String)] = [
        ("Zava Retail Seattle", "f47ac10b-58cc-4372-a567-0e02b2c3d479"),
        ("Zava Retail Bellevue", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
        ("Zava Retail Tacoma", "a1b2c3d4-e5f6-7890-abcd-ef1234567890"),
        ("Zava Retail Spokane", "d8e9f0a1-b2c3-4567-8901-234567890abc"),
        ("Zava Retail Everett", "3b9ac9fa-cd5e-4b92-a7f2-b8c1d0e9f2a3"),
        ("Zava Retail Redmond", "e7f8a9b0-c1d2-3e4f-5678-90abcdef1234"),
        ("Zava Retail Kirkland", "9c8b7a65-4321-fed0-9876-543210fedcba"),
        ("Zava Retail Online", "2f4e6d8c-1a3b-5c7e-9f0a-b2d4f6e8c0a2"),
    ]
}
