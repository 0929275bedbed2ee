import Foundation
import MCP
import Testing
import ZavaCore
import ZavaPostgres
@testable import ZavaMCP

/// The search tool reads its arguments and leaves their rules to `SearchRequest.validated()`,
/// the one the REPL and `zava search` use: its defaults, its cap, its messages.
@Suite struct SearchRuleTests {
    /// Records the checked request it is handed; runs no SQL.
    final class RecordingSearch: ProductSearching, @unchecked Sendable {
        private let lock = NSLock()
        private var requests: [SearchRequest] = []
        var received: [SearchRequest] { lock.withLock { requests } }

        func searchProducts(session: Session, request: SearchRequest) async throws -> QueryResult {
            lock.withLock { requests.append(request) }
            return QueryResult(columns: [], rows: [])
        }
    }

    static func call(_ arguments: [String: Value], search: RecordingSearch) async -> ToolReply {
        let database = Database(conninfo: "host=/nonexistent-zava-socket dbname=zava", poolSize: 1,
                                limits: QueryLimits(rowCap: 10, statementTimeout: .seconds(2)))
        let principal = Principal(identity: .headOffice, source: .header, tokenLabel: nil)
        let context = ToolContext(principal: principal, session: database.session(for: .headOffice), search: search)
        return await ProductSearchTool().call(arguments, context: context)
    }

    @Test func defaultsAndTheCapAreTheRequestsOwn() async throws {
        let search = RecordingSearch()
        _ = await Self.call(["query_description": .string("  drill  ")], search: search)
        _ = await Self.call(["query_description": .string("saw"), "max_rows": .int(500), "category": .string("POWER TOOLS")], search: search)
        let expected = [try SearchRequest(query: "drill").validated(),
                        try SearchRequest(query: "saw", maxRows: 500, category: "POWER TOOLS").validated()]
        #expect(search.received == expected)
        #expect(search.received.map(\.maxRows) == [SearchRequest.defaultMaxRows, SearchRequest.rowCap])
    }

    @Test(arguments: [
        (["query_description": Value.string("   ")], SearchRequest(query: "   ")),
        (["query_description": .string("x"), "max_rows": .int(0)], SearchRequest(query: "x", maxRows: 0)),
        (["query_description": .string("x"), "similarity_threshold": .double(150)], SearchRequest(query: "x", similarityThreshold: 150)),
    ])
    func refusalsAreTheRequestsOwn(arguments: [String: Value], request: SearchRequest) async {
        let search = RecordingSearch()
        let reply = await Self.call(arguments, search: search)
        var message = ""
        do {
            _ = try request.validated()
            Issue.record("\(request) should be refused")
        } catch {
            message = "\(error)"
        }
        #expect(reply.isError && !message.isEmpty && reply.text.contains(message), "\(reply.text) / \(message)")
        #expect(search.received.isEmpty, "nothing reaches the engine")
    }
}
