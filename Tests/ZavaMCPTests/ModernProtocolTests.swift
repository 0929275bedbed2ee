import Foundation
import Testing
import ZavaCore
@testable import ZavaMCP

/// The 2026-07-28 revision's MUSTs, in raw HTTP: every request carries its version and
/// capabilities in `_meta`, the standard headers agree with the body, results say
/// `resultType`, lists and discovery carry caching hints, and what the revision removed is
/// "method not found" (404).
@Suite("MCP 2026-07-28: the stateless revision over raw HTTP", .serialized)
struct ModernProtocolTests {
    static let version = "2026-07-28"
    static var meta: [String: Any] {
        ["io.modelcontextprotocol/protocolVersion": version, "io.modelcontextprotocol/clientCapabilities": [String: Any](),
         "io.modelcontextprotocol/clientInfo": ["name": "raw", "version": "1"]]
    }

    static func request(_ id: Int, _ method: String, _ params: [String: Any] = [:], meta: [String: Any]? = Self.meta) -> [String: Any] {
        var params = params
        if let meta { params["_meta"] = meta }
        return ["jsonrpc": "2.0", "id": id, "method": method, "params": params]
    }

    /// The headers a 2026-07-28 client sends for `method` (and `name` for tools/call, prompts/get).
    static func headers(_ method: String, name: String? = nil, version: String = Self.version) -> [String: String] {
        var headers = ["x-rls-user-id": "seattle", "MCP-Protocol-Version": version, "Mcp-Method": method]
        if let name { headers["Mcp-Name"] = name }
        return headers
    }

    struct Expectation {
        var status: Int
        var fragments: [String]
    }

    static var whoamiCall: [String: Any] { request(3, "tools/call", ["name": "whoami"]) }
    static var cases: [(name: String, spec: [String: Any], expected: Expectation)] { [
        ("discover", ["headers": headers("server/discover"), "body": request(1, "server/discover")],
         Expectation(status: 200, fragments: [#""supportedVersions":["2026-07-28"]"#, #""resultType":"complete""#, #""ttlMs":"#,
                                               #""cacheScope":"public""#, #""tools":{"#, #""prompts":{"#, "io.modelcontextprotocol/serverInfo"])),
        ("tools/list", ["headers": headers("tools/list"), "body": request(2, "tools/list")],
         Expectation(status: 200, fragments: [#""resultType":"complete""#, #""ttlMs":3600000"#, #""cacheScope":"public""#, #""outputSchema":"#])),
        ("tools/call", ["headers": headers("tools/call", name: "whoami"), "body": whoamiCall],
         Expectation(status: 200, fragments: [#""resultType":"complete""#, #""structuredContent":{"#, #""profile":"seattle""#])),
        ("prompts/list", ["headers": headers("prompts/list"), "body": request(4, "prompts/list")],
         Expectation(status: 200, fragments: [#""cacheScope":"public""#, "similar_products", "top_products_last_quarter"])),
        ("prompts/get", ["headers": headers("prompts/get", name: "similar_products"),
                         "body": request(5, "prompts/get", ["name": "similar_products", "arguments": ["description": "drill"]])],
         Expectation(status: 200, fragments: [#""role":"user""#, "drill", #""resultType":"complete""#])),
        ("no _meta version", ["headers": headers("tools/list"),
                              "body": request(6, "tools/list", meta: ["io.modelcontextprotocol/clientCapabilities": [String: Any]()])],
         Expectation(status: 400, fragments: ["-32602", #""id":6"#])),
        ("no _meta at all", ["headers": headers("tools/list"), "body": request(7, "tools/list", meta: nil)],
         Expectation(status: 400, fragments: ["-32602"])),
        ("unknown version", ["headers": headers("tools/list", version: "v999.0.0"),
                             "body": request(8, "tools/list", meta: ["io.modelcontextprotocol/protocolVersion": "v999.0.0",
                                                                     "io.modelcontextprotocol/clientCapabilities": [String: Any]()])],
         Expectation(status: 400, fragments: ["-32022", #""supported":["2026-07-28"]"#, #""requested":"v999.0.0""#])),
        ("header and _meta disagree", ["headers": headers("tools/list", version: "2025-11-25"), "body": request(9, "tools/list")],
         Expectation(status: 400, fragments: ["-32020"])),
        ("no version header", ["headers": ["x-rls-user-id": "seattle", "Mcp-Method": "tools/list"], "body": request(10, "tools/list")],
         Expectation(status: 400, fragments: ["-32020"])),
        ("Mcp-Method disagrees", ["headers": headers("prompts/list"), "body": request(11, "tools/list")],
         Expectation(status: 400, fragments: ["-32020", "Mcp-Method"])),
        ("Mcp-Method in other case", ["headers": headers("TOOLS/LIST"), "body": request(12, "tools/list")],
         Expectation(status: 400, fragments: ["-32020"])),
        ("no Mcp-Method", ["headers": ["x-rls-user-id": "seattle", "MCP-Protocol-Version": version], "body": request(13, "tools/list")],
         Expectation(status: 400, fragments: ["-32020"])),
        ("Mcp-Name disagrees", ["headers": headers("tools/call", name: "execute_sales_query"), "body": whoamiCall],
         Expectation(status: 400, fragments: ["-32020", "Mcp-Name"])),
        ("no Mcp-Name", ["headers": headers("tools/call"), "body": whoamiCall],
         Expectation(status: 400, fragments: ["-32020"])),
        ("Mcp-Name in base64", ["headers": headers("tools/call", name: "=?base64?d2hvYW1p?="), "body": whoamiCall],
         Expectation(status: 200, fragments: [#""profile":"seattle""#])),
        ("initialize is gone", ["headers": headers("initialize"), "body": request(14, "initialize")],
         Expectation(status: 404, fragments: ["-32601"])),
        ("ping is gone", ["headers": headers("ping"), "body": request(15, "ping")],
         Expectation(status: 404, fragments: ["-32601"])),
        ("no subscriptions to listen to", ["headers": headers("subscriptions/listen"),
                                           "body": request(16, "subscriptions/listen", ["notifications": ["toolsListChanged": true]])],
         Expectation(status: 404, fragments: ["-32601"])),
        ("unknown method", ["headers": headers("resources/list"), "body": request(17, "resources/list")],
         Expectation(status: 404, fragments: ["-32601", #""id":17"#])),
        ("unknown tool", ["headers": headers("tools/call", name: "drop_tables"), "body": request(18, "tools/call", ["name": "drop_tables"])],
         Expectation(status: 200, fragments: ["-32602", "Unknown tool"])),
        ("a store's identity holds", ["headers": headers("tools/call", name: "execute_sales_query"),
                                      "body": request(19, "tools/call", ["name": "execute_sales_query",
                                                                          "arguments": ["postgresql_query": "select count(distinct store_id) as stores from retail.orders"]])],
         Expectation(status: 200, fragments: [#"\"r\":[[1]]"#, #""structuredContent":{"#])),
    ] }

    @Test("each MUST: its status, its JSON-RPC code, and the fields the revision requires")
    func musts() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database)
        let specs = Self.cases.map { $0.spec.merging(["name": $0.name]) { $1 } }
            + [["name": "GET", "method": "GET", "headers": Self.headers("tools/list")]]
        let report = try await PythonClient.run("raw", url: running.url, ["cases": specs], as: RawReport.self)
        try await running.stop()
        try #require(report.raw.count == specs.count)
        for (testCase, result) in zip(Self.cases, report.raw) {
            #expect(result.status == testCase.expected.status, "\(testCase.name): \(result.status ?? -1) \(result.body ?? result.error ?? "")")
            for fragment in testCase.expected.fragments {
                #expect(result.body?.contains(fragment) == true, "\(testCase.name): no \(fragment) in \(result.body ?? "")")
            }
            #expect(result.headers?["mcp-session-id"] == nil, "\(testCase.name): no sessions in 2026-07-28")
        }
        #expect(report.raw.last?.status == 405, "no GET stream in 2026-07-28")
        #expect(await database.executor.statistics.inUse == 0)
    }

    @Test("stateless servers answer the same: nothing a request needs lives on the server")
    func statelessToo() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database) { $0.stateless = true }
        let specs = Self.cases.prefix(5).map { $0.spec.merging(["name": $0.name]) { $1 } }
        let report = try await PythonClient.run("raw", url: running.url, ["cases": specs], as: RawReport.self)
        try await running.stop()
        for (testCase, result) in zip(Self.cases, report.raw) {
            #expect(result.status == 200 && testCase.expected.fragments.allSatisfy { result.body?.contains($0) == true },
                    "\(testCase.name): \(result.body ?? result.error ?? "")")
        }
    }
}
