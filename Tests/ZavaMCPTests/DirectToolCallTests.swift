import Foundation
import MCP
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaMCP

@Suite("Direct tools/call: parsing")
struct DirectToolCallParsingTests {
    static func parse(_ json: String) -> DirectToolCall? { DirectToolCall(body: Data(json.utf8)) }

    @Test("reads the plain shape, with values typed as the SDK types them")
    func plainShape() throws {
        let call = try #require(Self.parse(#"""
            {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"execute_sales_query",
             "arguments":{"q":"SELECT 1","n":20,"b":true,"z":null,"l":["a",1],"o":{"k":"v"}}}}
            """#))
        #expect(call.id == .number(7))
        #expect(call.name == "execute_sales_query")
        #expect(call.arguments == ["q": .string("SELECT 1"), "n": .int(20), "b": .bool(true), "z": .null,
                                   "l": .array([.string("a"), .int(1)]), "o": .object(["k": .string("v")])])
        #expect(Self.parse(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":null}}"#)?.arguments == nil)
        #expect(Self.parse(#"{"jsonrpc":"2.0","id":"a-1","method":"tools/call","params":{"name":"whoami"}}"#)?.id == .string("a-1"))
    }

    @Test("values read as the SDK reads them: escapes, surrogate pairs, UTF-8, integers")
    func sameValuesAsTheSDK() throws {
        let documents = [
            #"{"s":"plain","e":"q\"b\\s\/n\nt\tr\rb\bf\f","u":"\u00e9\u65e5\ud83d\ude80","raw":"é 日本 🚀","z":"\u0000"}"#,
            #"{"i":0,"n":-12,"big":9223372036854775807,"small":-9223372036854775808,"t":true,"f":false,"x":null}"#,
            #" { "a" : [ 1 , "two" , [ ] , { } , { "k" : [ null ] } ] , "o" : { "p" : { "q" : "r" } } } "#,
        ]
        for document in documents {
            let sdk = try JSONDecoder().decode([String: Value].self, from: Data(document.utf8))
            let ours = Data(document.utf8).withUnsafeBytes(PlainJSON.parse)?.sdkValue
            #expect(ours == .object(sdk), "\(document)")
        }
        let leftToTheSDK = [
            #"{"d":2.5}"#, #"{"d":1e3}"#, #"{"d":20.0}"#, #"{"n":9223372036854775808}"#, #"{"n":01}"#, #"{"n":-}"#,
            #"{"a":1,"a":2}"#, #"{"s":"\ud83d"}"#, #"{"s":"\udc00x"}"#, "{\"s\":\"tab\there\"}", #"{"s":"\x"}"#,
            #"{"a":1,}"#, #"{"a":[1,]}"#, #"{"a":1} x"#, #"{"a":tru}"#, #"{'a':1}"#,
            String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
        ]
        for document in leftToTheSDK {
            #expect(Data(document.utf8).withUnsafeBytes(PlainJSON.parse) == nil, "\(document)")
        }
        let invalidUTF8 = Data([0x7B, 0x22, 0x73, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D])  // {"s":"\xFF"}
        #expect(invalidUTF8.withUnsafeBytes(PlainJSON.parse) == nil)
    }

    @Test("anything unusual is left to the SDK")
    func leavesTheRest() {
        let unusual = [
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","_meta":{"progressToken":1}}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami"},"extra":1}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"name":"whoami"}}"#,
            #"{"jsonrpc":"1.0","id":1,"method":"tools/call","params":{"name":"whoami"}}"#,
            #"{"id":1,"method":"tools/call","params":{"name":"whoami"}}"#,
            #"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"whoami"}}"#,
            #"{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"whoami"}}"#,
            #"{"jsonrpc":"2.0","id":1.5,"method":"tools/call","params":{"name":"whoami"}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call"}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{}}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":[1]}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"q":"data:,hello"}}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"q":["data:text/plain;base64,aGk="]}}}"#,
            #"[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami"}}]"#,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami""#,
        ]
        for body in unusual {
            #expect(Self.parse(body) == nil, "\(body)")
        }
    }

    @Test("the answer is the SDK's JSON-RPC response: sorted keys, unescaped slashes, error codes")
    func answerShape() throws {
        let result = CallTool.Result(content: [.text(text: #"{"c":["a/b"],"r":[],"n":0}"#, annotations: nil, _meta: nil)], isError: false)
        let ok = String(decoding: DirectToolCall.response(id: .number(3), .success(result)), as: UTF8.self)
        let sdkEncoder = JSONEncoder()
        sdkEncoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(ok == String(decoding: try sdkEncoder.encode(Response<CallTool>(id: .number(3), result: result)), as: UTF8.self))
        #expect(ok == #"{"id":3,"jsonrpc":"2.0","result":{"content":[{"text":"{\"c\":[\"a/b\"],\"r\":[],\"n\":0}","type":"text"}],"isError":false}}"#)
        let failed = String(decoding: DirectToolCall.response(id: .string("x"), .failure(.invalidParams("Unknown tool: nope"))), as: UTF8.self)
        #expect(failed == #"{"error":{"code":-32602,"data":{"detail":"Unknown tool: nope"},"message":"Invalid params: Unknown tool: nope"},"id":"x","jsonrpc":"2.0"}"#)
    }

    @Test("string literals are written exactly as JSONEncoder writes them")
    func stringEscapes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let samples = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
            + ["a/b", "é ü 日本 🚀", "\u{2028}\u{2029}\u{7F}", "{\"c\":[\"x\"]}\n\ttab", ""]
        for sample in samples {
            var ours: [UInt8] = []
            JSONText.append(sample, to: &ours)
            #expect(ours == Array(try encoder.encode(sample)), "\(sample.unicodeScalars.map(\.value))")
        }
    }

    @Test("status shows cumulative requests, errors and tool calls by tool")
    func statusCounters() {
        let metrics = ServerMetrics(toolNames: ["whoami", "execute_sales_query"])
        metrics.httpRequest(route: "mcp", method: "POST", status: 200)
        metrics.httpRequest(route: "mcp", method: "POST", status: 401)
        metrics.httpRequest(route: "healthz", method: "GET", status: 200)
        metrics.toolCall("execute_sales_query", isError: false, duration: .milliseconds(1))
        metrics.toolCall("execute_sales_query", isError: true, duration: .milliseconds(1))
        metrics.toolCall("whoami", isError: false, duration: .milliseconds(1))
        metrics.toolCall("drop_tables", isError: true, duration: .zero)
        let counters = metrics.counters
        #expect(counters.requests == 2 && counters.errors == 1)
        #expect(counters.toolCalls["execute_sales_query"] == .init(calls: 2, errors: 1))
        #expect(counters.toolCalls["unknown"] == .init(calls: 1, errors: 1))
        let status = MCPServerStatus(url: "http://127.0.0.1:8000/mcp", sessions: 1, inFlight: 0,
                                     pool: .init(size: 8, open: 2, inUse: 0, waiting: 0), counters: counters)
        #expect(status.description.hasSuffix(
            "since start: 2 requests, 1 refused or failed; tool calls: execute_sales_query 2 (1 failed), unknown 1 (1 failed), whoami 1"),
            "\(status)")
        #expect(MCPServerStatus(url: nil, sessions: 0, inFlight: 0, pool: .init(size: 8, open: 0, inUse: 0, waiting: 0))
            .description.hasSuffix("since start: 0 requests, 0 refused or failed; tool calls: none"))
    }
}

/// The same requests against a server with the direct path and one without: the answers must
/// be the same JSON-RPC messages (the SDK path wraps them in an SSE event in stateful mode).
@Suite("Direct tools/call: same answers as the SDK", .serialized)
struct DirectToolCallEquivalenceTests {
    static let seattle = ["x-rls-user-id": "seattle"]

    static func call(_ id: Int, _ tool: String, _ arguments: [String: Any]? = nil) -> [String: Any] {
        var params: [String: Any] = ["name": tool]
        if let arguments { params["arguments"] = arguments }
        return ["jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params]
    }

    /// Deterministic calls: results, tool errors, JSON-RPC errors, and bodies the direct path leaves to the SDK.
    static var cases: [[String: Any]] { [
        ["name": "query", "body": call(1, "execute_sales_query", ["postgresql_query": "SELECT count(*) AS n, 'a/b' AS s FROM retail.orders"])],
        ["name": "string id", "body": ["jsonrpc": "2.0", "id": "q-1", "method": "tools/call",
                                       "params": ["name": "execute_sales_query", "arguments": ["postgresql_query": "SELECT 1 AS one"]]]],
        ["name": "unicode", "body": call(14, "execute_sales_query", ["postgresql_query": "SELECT E'é 日本 🚀\\n\"q\" \\\\ /' AS s"])],
        ["name": "sql error", "body": call(2, "execute_sales_query", ["postgresql_query": "SELECT nope FROM retail.orders"])],
        ["name": "wrong type", "body": call(3, "execute_sales_query", ["postgresql_query": 42])],
        ["name": "unknown parameter", "body": call(4, "execute_sales_query", ["postgresql_query": "SELECT 1", "as_user": "headoffice"])],
        ["name": "missing parameter", "body": call(5, "execute_sales_query", [:])],
        ["name": "unknown tool", "body": call(6, "drop_all_tables")],
        ["name": "whoami", "body": call(7, "whoami")],
        ["name": "schemas", "body": call(8, "get_multiple_table_schemas", ["table_names": ["retail.stores"]])],
        ["name": "no search", "body": call(9, "semantic_search_products", ["query_description": "drill", "max_rows": 20.0])],
        ["name": "data url", "body": call(10, "execute_sales_query", ["postgresql_query": "data:,SELECT 1"])],
        ["name": "meta", "body": ["jsonrpc": "2.0", "id": 11, "method": "tools/call",
                                  "params": ["name": "whoami", "_meta": ["progressToken": 5]]]],
        ["name": "arguments array", "body": ["jsonrpc": "2.0", "id": 12, "method": "tools/call",
                                             "params": ["name": "whoami", "arguments": [1]]]],
        ["name": "no params", "body": ["jsonrpc": "2.0", "id": 13, "method": "tools/call"]],
    ] }
    /// Cases the direct path answers (the rest must reach the SDK on both servers).
    static let direct: Set<String> = ["query", "string id", "unicode", "sql error", "wrong type", "unknown parameter", "missing parameter",
                                      "unknown tool", "whoami", "schemas", "no search"]

    /// The JSON-RPC message of a JSON body or of the SSE event carrying it.
    static func message(_ result: RawResult) -> String? {
        guard let body = result.body else { return nil }
        if body.hasPrefix("{") { return body }
        return body.split(separator: "\n").first { $0.hasPrefix("data: {") }.map { String($0.dropFirst(6)) }
    }

    /// The same JSON with sorted keys: the SDK writes its HTTP-level errors from a dictionary,
    /// in no fixed key order.
    static func canonical(_ text: String?) -> String? {
        guard let text, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    func answers(stateless: Bool, direct: Bool) async throws -> (RawReport, [String]) {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database) {
            $0.stateless = stateless
            $0.directToolCalls = direct
        }
        let cases = Self.cases.map { $0.merging(["session": !stateless, "headers": Self.seattle]) { $1 } }
        let report = try await PythonClient.run("raw", url: running.url, ["cases": cases], as: RawReport.self)
        try await running.stop()
        #expect(await database.executor.statistics.inUse == 0)
        return (report, running.logs.all)
    }

    @Test("stateful and stateless: byte-equal JSON-RPC answers; only well-formed calls take the direct path",
          arguments: [false, true])
    func sameAnswers(stateless: Bool) async throws {
        let (direct, logs) = try await answers(stateless: stateless, direct: true)
        let (sdk, sdkLogs) = try await answers(stateless: stateless, direct: false)
        #expect(!sdkLogs.contains { $0.contains("path=direct") })
        #expect(logs.filter { $0.contains("path=direct") }.count == Self.direct.count)
        for (ours, theirs) in zip(direct.raw, sdk.raw) {
            #expect(ours.error == nil && theirs.error == nil, "\(ours.name): \(ours.error ?? theirs.error ?? "")")
            #expect(ours.status == theirs.status, "\(ours.name)")
            let message = Self.message(ours)
            #expect(message != nil && message == Self.message(theirs), "\(ours.name): \(message ?? "-") vs \(Self.message(theirs) ?? "-")")
            let type = ours.headers?["content-type"]
            if Self.direct.contains(ours.name) {
                #expect(type == "application/json", "\(ours.name)")
                if !stateless { #expect(ours.headers?["mcp-session-id"] != nil) }
            } else if !stateless, ours.status == 200 {
                #expect(type == "text/event-stream", "\(ours.name) is the SDK's to answer")
            }
        }
        let query = try #require(direct.raw.first.flatMap(Self.message))
        #expect(query.contains(#"\"a/b\""#) && query.contains(#""isError":false"#), "\(query)")
        let unknown = try #require(direct.raw.first { $0.name == "unknown tool" }.flatMap(Self.message))
        #expect(unknown.contains("-32602") && unknown.contains("Unknown tool: drop_all_tables"))
    }

    @Test("sessions, identities, protocol versions and media types are checked as on the SDK path")
    func sameRefusals() async throws {
        let call = Self.call(1, "whoami")
        let cases: [[String: Any]] = [
            ["name": "unknown session", "headers": Self.seattle.merging(["Mcp-Session-Id": "not-a-session"]) { $1 }, "body": call],
            ["name": "no session", "headers": Self.seattle, "body": call],
            ["name": "no identity", "session": true, "headers": Self.seattle, "override": ["x-rls-user-id": ""], "body": call],
            ["name": "other identity", "session": true, "headers": Self.seattle, "override": ["x-rls-user-id": "headoffice"], "body": call],
            ["name": "bad version", "session": true, "headers": Self.seattle, "override": ["MCP-Protocol-Version": "1999-01-01"], "body": call],
            ["name": "json only", "session": true, "headers": Self.seattle, "override": ["Accept": "application/json"], "body": call],
            ["name": "text/plain", "session": true, "headers": Self.seattle, "override": ["Content-Type": "text/plain"], "body": call],
            ["name": "forged host", "session": true, "headers": Self.seattle, "override": ["Host": "evil.example:80"], "body": call],
            ["name": "no version header", "session": true, "headers": Self.seattle, "drop": ["MCP-Protocol-Version"], "body": call],
        ]
        var reports: [RawReport] = []
        for direct in [true, false] {
            let database = try await MCPFixture.shared.analyst()
            let running = try await RunningServer.start(database) { $0.directToolCalls = direct }
            reports.append(try await PythonClient.run("raw", url: running.url, ["cases": cases], as: RawReport.self))
            try await running.stop()
        }
        let expected = ["unknown session": 404, "no session": 400, "no identity": 401, "other identity": 403, "bad version": 400,
                        "json only": 406, "text/plain": 415, "forged host": 421, "no version header": 200]
        for (ours, theirs) in zip(reports[0].raw, reports[1].raw) {
            #expect(ours.status == expected[ours.name], "\(ours.name): \(ours.status ?? -1) \(ours.body ?? ours.error ?? "")")
            #expect(ours.status == theirs.status, "\(ours.name)")
            let message = Self.canonical(Self.message(ours))
            #expect(message != nil && message == Self.canonical(Self.message(theirs)), "\(ours.name)")
        }
        let answered = try #require(reports[0].raw.last)
        #expect(answered.headers?["content-type"] == "application/json")
        #expect(Self.message(answered)?.contains(#"\"profile\":\"seattle\""#) == true)
    }

    @Test("notifications/cancelled stops a directly answered call and frees its connection")
    func cancelled() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database)
        let report = try await PythonClient.run("cancel", url: running.url,
                                                ["identity": "seattle", "sql": "SELECT pg_sleep(10)", "after": 0.7], as: RawReport.self)
        try await running.stop()
        let answer = try #require(report.raw.first)
        #expect(try #require(answer.seconds) < 8, "the call did not wait for pg_sleep(10)")
        #expect(answer.status == 200 && answer.headers?["content-type"] == "application/json")
        #expect(answer.body?.contains(#""isError":true"#) == true && answer.body?.contains("cancel") == true, "\(answer.body ?? "")")
        #expect(await database.executor.statistics.inUse == 0)
    }

    @Test("the request timeout stops a call and says so, on both paths", arguments: [true, false])
    func requestTimeout(direct: Bool) async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database, search: StuckSearch()) {
            $0.requestTimeout = .seconds(1)
            $0.directToolCalls = direct
        }
        let started = ContinuousClock.now
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "seattle", "headers": Self.seattle, "calls": [
                ["tool": "semantic_search_products", "args": ["query_description": "drill"]],
                ["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT pg_sleep(10)"]],
            ]],
        ]], as: SessionsReport.self)
        try await running.stop()
        let calls = try #require(report.sessions.first?.calls)
        #expect(ContinuousClock.now - started < .seconds(60), "the calls did not wait out pg_sleep(10) and the stuck search")
        #expect(calls.first?.isError == true && calls.first?.text?.contains("no answer within the request timeout of 1 s") == true,
                "\(calls)")
        #expect(calls.last?.isError == true && calls.last?.text?.contains("timeout") == true, "\(calls)")
        #expect(await database.executor.statistics.inUse == 0)
    }
}

/// A search that never answers on its own.
struct StuckSearch: ProductSearching {
    func searchProducts(session: Session, request: SearchRequest) async throws -> QueryResult {
        try await Task.sleep(for: .seconds(60))
        throw CancellationError()
    }
}
