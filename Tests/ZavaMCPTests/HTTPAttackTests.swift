import Foundation
import Testing
import ZavaCore
@testable import ZavaMCP

/// Hostile HTTP against the endpoint, table-driven: spoofed identity and token headers, forged
/// Host and Origin, oversized, malformed and smuggled HTTP, and malformed JSON-RPC. Each case
/// asserts its status; afterwards the server still answers, as the right identity.
/// (Cases already in `IdentityTests` and `HostileClientTests` are not repeated here.)
@Suite("MCP: hostile HTTP, table-driven", .serialized)
struct HTTPAttackTests {
    struct Case: @unchecked Sendable {
        var name: String
        var spec: [String: Any]
        var status: Int
        var body: String? = nil
    }

    static let seattle = ["x-rls-user-id": "seattle"]
    static let whoami = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami"}}"#
    static func call(_ headers: [String: String], _ body: String = whoami, _ more: [String: Any] = [:]) -> [String: Any] {
        ["headers": headers, "body": body].merging(more) { $1 }
    }
    static let request = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nx-rls-user-id: seattle\r\n"

    static let headerCases: [Case] = [
        // Identity and token spoofing (header mode).
        Case(name: "two identity headers", spec: ["headers": [:], "body": whoami,
                                                  "header_pairs": [["x-rls-user-id", "seattle"], ["x-rls-user-id", "headoffice"]]],
             status: 403),
        Case(name: "bearer token ignored in header mode", spec: call(seattle.merging(["Authorization": "Bearer headoffice"]) { $1 }),
             status: 200, body: #"\"profile\":\"seattle\""#),
        Case(name: "8 KB identity header", spec: call(["x-rls-user-id": String(repeating: "a", count: 8_000)]), status: 403,
             body: "too long"),
        Case(name: "identity with SQL in it", spec: call(["x-rls-user-id": "seattle' OR '1'='1"]), status: 403),
        // Host and Origin forgery.
        Case(name: "userinfo in Host", spec: call(seattle.merging(["Host": "evil@127.0.0.1:{port}"]) { $1 }), status: 421),
        Case(name: "Host without port", spec: call(seattle.merging(["Host": "127.0.0.1"]) { $1 }), status: 421),
        Case(name: "Origin with an allowed prefix", spec: call(seattle.merging(["Origin": "http://127.0.0.1.evil.example"]) { $1 }), status: 403),
        Case(name: "Origin on another port", spec: call(seattle.merging(["Origin": "http://localhost:1"]) { $1 }), status: 403),
        // Oversized and malformed HTTP.
        Case(name: "declared Content-Length over the limit", spec: ["socket": request + "Content-Length: 999999999\r\n\r\n{}"],
             status: 413),
        Case(name: "chunked body over the limit", spec: ["headers": seattle, "chunked_bytes": 3_000_000], status: 413),
        Case(name: "no Accept", spec: call(["x-rls-user-id": "seattle", "Accept": ""]), status: 406),
        Case(name: "PUT", spec: call(seattle, whoami, ["method": "PUT"]), status: 404),
        Case(name: "garbage request line", spec: ["socket": "GARBAGE\r\n\r\n"], status: 400),
        Case(name: "Content-Length and Transfer-Encoding (smuggling)",
             spec: ["socket": request + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"], status: 400),
        Case(name: "200 KB header", spec: ["socket": request + "x-pad: {pad}\r\n\r\n", "pad": 200_000], status: 400),
        Case(name: "bad chunk size", spec: ["socket": request + "Transfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n"], status: 400),
        Case(name: "HTTP/1.0 without Host",
             spec: ["socket": "POST /mcp HTTP/1.0\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nx-rls-user-id: seattle\r\nContent-Length: 2\r\n\r\n{}"],
             status: 400),
        // Malformed JSON-RPC.
        Case(name: "invalid UTF-8", spec: ["headers": seattle, "raw_body": Data(#"{"jsonrpc":"2.0","id":1,"method":"ping","x":""#.utf8).hexString + "fffe" + Data(#""}"#.utf8).hexString],
             status: 400, body: "-32700"),
        Case(name: "200,000 nested arrays", spec: ["headers": seattle, "nested": 200_000],
             status: 400, body: "-32700"),
        Case(name: "a real batch", spec: call(seattle, "[\(whoami),\(whoami)]"), status: 400),
        Case(name: "id 1e999", spec: call(seattle, #"{"jsonrpc":"2.0","id":1e999,"method":"tools/call","params":{"name":"whoami"}}"#), status: 400),
        Case(name: "jsonrpc 1.0", spec: call(seattle, #"{"jsonrpc":"1.0","id":1,"method":"tools/call","params":{"name":"whoami"}}"#),
             status: 400, body: "-32600"),
        Case(name: "params not an object", spec: call(seattle, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"whoami"}"#),
             status: 200, body: #""error""#),
        Case(name: "tool name not a string", spec: call(seattle, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":["whoami"]}}"#),
             status: 200, body: #""error""#),
    ]

    @Test("header mode (stateless): every case gets its status, and the server still serves Seattle as Seattle, in both revisions",
          arguments: [false, true])
    func headerMode(modern: Bool) async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database) { $0.stateless = true }
        try await Self.run(modern ? Self.headerCases.map(Self.modern) : Self.headerCases, on: running, modern: modern)
        #expect(await database.executor.statistics.inUse == 0)
        await database.close()
    }

    @Test("token mode: other schemes, tokens in the wrong header and near-miss tokens are refused")
    func tokenMode() async throws {
        let token = "zava-attack-token-\(UUID().uuidString)"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zava-attack-tokens-\(UUID().uuidString)")
        try "\(token) seattle\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database) { $0.stateless = true; $0.tokensFile = file }
        let basic = Data("seattle:\(token)".utf8).base64EncodedString()
        let whoami = Self.whoami
        func call(_ headers: [String: String]) -> [String: Any] { Self.call(headers) }
        try await Self.run([
            Case(name: "Basic scheme", spec: call(["Authorization": "Basic \(basic)"]), status: 401),
            Case(name: "token as the identity header", spec: call(["x-rls-user-id": token]), status: 401),
            Case(name: "token prefix", spec: call(["Authorization": "Bearer \(token.dropLast())"]), status: 401),
            Case(name: "token plus a character", spec: call(["Authorization": "Bearer \(token)x"]), status: 401),
            Case(name: "two Authorization headers", spec: ["headers": [:], "body": whoami,
                                                          "header_pairs": [["Authorization", "Bearer nope-nope-nope-nope"], ["Authorization", "Bearer \(token)"]]],
                 status: 401),
            Case(name: "the token, claiming head office", spec: call(["Authorization": "Bearer \(token)", "x-rls-user-id": "headoffice"]),
                 status: 200, body: #"\"profile\":\"seattle\""#),
        ], on: running, headers: ["Authorization": "Bearer \(token)"])
        await database.close()
    }

    /// The same case as a 2026-07-28 client sends it: `_meta` in a JSON-RPC body's params, and
    /// the version, method and name headers that go with it.
    static func modern(_ testCase: Case) -> Case {
        var modern = testCase
        guard var headers = testCase.spec["headers"] as? [String: String], let text = testCase.spec["body"] as? String else { return modern }
        headers["MCP-Protocol-Version"] = ModernProtocolTests.version
        if var body = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            if let method = body["method"] as? String { headers["Mcp-Method"] = method }
            if var params = body["params"] as? [String: Any] {
                if let name = params["name"] as? String { headers["Mcp-Name"] = name }
                params["_meta"] = ModernProtocolTests.meta
                body["params"] = params
            }
            if let data = try? JSONSerialization.data(withJSONObject: body) { modern.spec["body"] = String(decoding: data, as: UTF8.self) }
        }
        modern.spec["headers"] = headers
        return modern
    }

    static func run(_ cases: [Case], on running: RunningServer, headers: [String: String] = seattle, modern: Bool = false) async throws {
        let port = String(running.port)
        func substitute(_ value: Any) -> Any {
            switch value {
            case let text as String: text.replacingOccurrences(of: "{port}", with: port)
            case let map as [String: String]: map.mapValues { $0.replacingOccurrences(of: "{port}", with: port) }
            default: value
            }
        }
        var specs = cases.map { testCase in
            (testCase.spec.mapValues(substitute)).merging(["name": testCase.name]) { $1 }
        }
        let stillServing = Case(name: "still serving", spec: ["headers": headers, "body": whoami], status: 200)
        specs.append((modern ? Self.modern(stillServing) : stillServing).spec.merging(["name": "still serving"]) { $1 })
        let report = try await PythonClient.run("raw", url: running.url, ["cases": specs], as: RawReport.self)
        try await running.stop()
        try #require(report.raw.count == specs.count)
        for (testCase, result) in zip(cases, report.raw) {
            #expect(result.status == testCase.status, "\(testCase.name): \(result.status.map(String.init) ?? result.error ?? "") \(result.body ?? "")")
            if let fragment = testCase.body {
                #expect(result.body?.contains(fragment) == true, "\(testCase.name): \(result.body ?? "")")
            }
            #expect(result.body?.contains(#"\"head_office\":true"#) != true, "\(testCase.name) reached head office")
        }
        let last = try #require(report.raw.last)
        #expect(last.status == 200 && last.body?.contains(#"\"profile\":\"seattle\""#) == true, "\(last)")
    }
}

extension Data {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
