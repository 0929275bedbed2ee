import Foundation
import Synchronization
import Testing
import ZavaCore
@testable import ZavaPostgres
import ZavaTesting
@testable import ZavaMCP

@Suite("MCP building blocks")
struct UnitTests {
    @Test("token file: format, comments, short and duplicate tokens, errors never show tokens")
    func tokenFile() throws {
        let file = try TokenFile.parse("# comment\n\nabcdefghijklmnop seattle\n0123456789abcdefXYZ   Zava Retail Online\n")
        #expect(file.entries.map(\.identity) == ["seattle", "Zava Retail Online"])
        #expect(file.entries.map(\.line) == [3, 4])
        #expect(throws: TokenFileError.self) { try TokenFile.parse("shorttoken seattle") }
        #expect(throws: TokenFileError.self) { try TokenFile.parse("abcdefghijklmnop") }
        #expect(throws: TokenFileError.self) { try TokenFile.parse("abcdefghijklmnop a\nabcdefghijklmnop b") }
        #expect(throws: TokenFileError.self) { try TokenFile.parse("# only comments\n") }
        do {
            _ = try TokenFile.parse("secretsecretsecret1 seattle\nsecretsecretsecret1 online")
        } catch {
            #expect(!"\(error)".contains("secretsecretsecret1"))
        }
    }

    @Test("constant-time comparison")
    func constantTime() {
        #expect(ConstantTime.equals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!ConstantTime.equals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!ConstantTime.equals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!ConstantTime.equals([], Array("a".utf8)))
        #expect(ConstantTime.equals([], []))
    }

    @Test("Host/Origin patterns")
    func originPatterns() {
        #expect(OriginPolicy.matches("localhost:8000", "localhost:*"))
        #expect(!OriginPolicy.matches("localhost:", "localhost:*"))
        #expect(!OriginPolicy.matches("localhost.evil.com:80", "localhost:*"))
        #expect(OriginPolicy.matches("LOCALHOST:8000", "localhost:8000"))
        #expect(OriginPolicy.matches("anything", "*"))
        let policy = OriginPolicy(configuration: MCPServerConfiguration(), port: 8000)
        #expect(policy.check(host: "127.0.0.1:8000", origin: nil) == nil)
        #expect(policy.check(host: "[::1]:8000", origin: "http://[::1]:8000") == nil)
        #expect(policy.check(host: nil, origin: nil)?.status == 400)
        #expect(policy.check(host: "127.0.0.1:8001", origin: nil)?.status == 421)
        #expect(policy.check(host: "127.0.0.1:8000", origin: "http://127.0.0.1:8000.evil.com")?.status == 403)
    }

    @Test("tool arguments are strict and name the parameter")
    func strictArguments() throws {
        let arguments = try ToolArguments(["q": .string("x"), "n": .double(20), "f": .int(30), "list": .array([.string("a")])],
                                          tool: "t", accepted: ["q", "n", "f", "list", "absent"])
        #expect(try arguments.string("q") == "x")
        #expect(try arguments.int("n", default: 1) == 20)
        #expect(try arguments.double("f", default: 1) == 30)
        #expect(try arguments.int("absent", default: 7) == 7)
        #expect(try arguments.strings("list") == ["a"])
        #expect(throws: ToolArgumentError.self) { try arguments.int("q", default: 0) }
        #expect(throws: ToolArgumentError.self) { try arguments.string("n") }
        #expect(throws: ToolArgumentError.self) { try arguments.strings("q") }
        #expect(throws: ToolArgumentError.self) { try arguments.string("absent") }
        #expect(throws: ToolArgumentError.self) { try ToolArguments(["bogus": .int(1)], tool: "t", accepted: ["q"]) }
        let mixed = try ToolArguments(["list": .array([.string("a"), .int(1)]), "n": .double(2.5), "b": .bool(true)],
                                      tool: "t", accepted: ["list", "n", "b"])
        #expect(throws: ToolArgumentError.self) { try mixed.strings("list") }
        #expect(throws: ToolArgumentError.self) { try mixed.int("n", default: 0) }
        #expect(throws: ToolArgumentError.self) { try mixed.int("b", default: 0) }
        do {
            _ = try mixed.int("b", default: 0)
        } catch {
            #expect("\(error)".contains("b must be an integer"))
        }
    }

    @Test("compact JSON keeps the sample's shape, flags truncation and escapes text")
    func compactJSON() {
        let columns = [Column(name: "id", typeOID: 23, typeName: "integer"), Column(name: "name \"x\"", typeOID: 25, typeName: "text"),
                       Column(name: "price", typeOID: 1700, typeName: "numeric")]
        let result = QueryResult(columns: columns, rows: [[.int(1), .text("a\nb"), .numeric("10.50")], [.null, .text(""), .numeric("0.10")]],
                                 truncated: true)
        #expect(CompactJSON.answer(result).text == #"{"c":["id","name \"x\"","price"],"r":[[1,"a\nb",10.50],[null,"",0.10]],"n":2,"truncated":true}"#)
        #expect(CompactJSON.error("ERROR:  boom") == #"{"err":"ERROR:  boom","c":[],"r":[],"n":0}"#)
    }

    @Test("configuration refuses unsafe combinations")
    func configuration() throws {
        #expect(throws: MCPConfigurationError.self) {
            try MCPServerConfiguration(defaultProfile: "seattle", tokensFile: URL(fileURLWithPath: "/tmp/x")).validate()
        }
        #expect(throws: MCPConfigurationError.self) { try MCPServerConfiguration(port: 70_000).validate() }
        try MCPServerConfiguration().validate()
        #expect(MCPServerConfiguration(host: "0.0.0.0").endpointURL(port: 9) == "http://127.0.0.1:9/mcp")
        #expect(MCPServerConfiguration(path: "tools").path == "/tools")
    }

    @Test func acceptMustListAMediaRangeJSONMatches() {
        for accepted in ["application/json, text/event-stream", "text/event-stream,application/json;q=0.9", "*/*", "application/*",
                         "text/html,  application/json", "text/plain,\tapplication/json"] {
            #expect(MCPEndpoint.acceptsJSON(accepted), "\(accepted)")
        }
        for refused in ["", "text/event-stream", "text/html, text/plain", "text/x-application/json"] {
            #expect(!MCPEndpoint.acceptsJSON(refused), "\(refused)")
        }
        // A header of many ranges (a client chooses how many) is read to its end.
        let many = String(repeating: "a,", count: 40_000)
        #expect(MCPEndpoint.acceptsJSON(many + " application/json") && !MCPEndpoint.acceptsJSON(many))
    }
}

@Suite("In-flight requests")
struct InFlightRequestsTests {
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    /// Stand-ins for two connections, kept alive so their identifiers stay distinct.
    let connectionObject = Flag(), otherObject = Flag()
    var connection: ObjectIdentifier { ObjectIdentifier(connectionObject) }

    @Test("a client that leaves cancels its running call and is no longer waited for")
    func leavesDuringCall() async {
        let requests = InFlightRequests()
        let cancelled = Flag()
        requests.begin("a", connection: connection)
        requests.attach("a") { cancelled.set() }
        #expect(requests.count == 1)
        requests.connectionClosed(connection)
        #expect(cancelled.isSet)
        #expect(requests.count == 0)
    }

    @Test("a client that leaves before its call starts: the call is cancelled when it starts")
    func leavesBeforeCall() async {
        let requests = InFlightRequests()
        let cancelled = Flag()
        requests.begin("b", connection: connection)
        requests.connectionClosed(connection)
        requests.attach("b") { cancelled.set() }
        #expect(cancelled.isSet)
    }

    @Test("other connections are untouched; waiting for idle ends when the last request does")
    func waitsForIdle() async {
        let requests = InFlightRequests()
        let cancelled = Flag()
        requests.begin("c", connection: ObjectIdentifier(otherObject))
        requests.attach("c") { cancelled.set() }
        requests.connectionClosed(connection)
        #expect(!cancelled.isSet)
        let waiter = Task { await requests.waitUntilIdle(limit: .seconds(30)) }
        requests.end("c")
        await waiter.value
        let started = ContinuousClock.now
        requests.begin("d", connection: nil)
        await requests.waitUntilIdle(limit: .milliseconds(100))
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}

@Suite struct RequestDeadlineTests {
    @Test("a deadline expires once, on the first sweep after it; a call that ended first is never expired")
    func expiresOnce() {
        let deadlines = RequestDeadlines(timeout: .seconds(1))
        #expect(deadlines.interval == .milliseconds(100))
        let expired = LogSink()
        let now = ContinuousClock.now
        _ = deadlines.watch(until: now - .milliseconds(1)) { expired.append("late") }
        let ended = deadlines.watch(until: now - .milliseconds(1)) { expired.append("ended") }
        _ = deadlines.watch(until: now + .seconds(60)) { expired.append("early") }
        deadlines.unwatch(ended)
        deadlines.sweep(now: now)
        deadlines.sweep(now: now)
        #expect(expired.all == ["late"])
        #expect(deadlines.count == 1)
        #expect(RequestDeadlines(timeout: .seconds(600)).interval == .seconds(1))
        #expect(RequestDeadlines(timeout: .milliseconds(100)).interval == .milliseconds(50))
    }
}

@Suite struct ServerStatusTests {
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
        // `:server` shows how requests are authenticated, on a line of its own.
        let tokens = MCPServerStatus(url: nil, sessions: 0, inFlight: 0, pool: .init(size: 8, open: 0, inUse: 0, waiting: 0),
                                     authentication: "static bearer tokens (2 from /etc/zava/tokens)")
        #expect(tokens.description.contains("waiting\nauth: static bearer tokens (2 from /etc/zava/tokens)\nsince start"), "\(tokens)")
    }
}

/// The one reader and the one writer: what one writes the other (and Foundation) reads back.
@Suite struct JSONRoundTripTests {
    static let samples = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        + ["a/b", "é ü 日本 🚀", "\u{2028}\u{2029}\u{7F}", "{\"c\":[\"x\"]}\n\ttab", "", String(repeating: "plain text ", count: 100)]

    @Test func everyStringSurvivesTheEscaperAndBothReaders() throws {
        for sample in Self.samples {
            let quoted = JSONString.quote(sample)
            #expect(JSONReader.read(Array(quoted.utf8)) == .string(sample), "\(sample.unicodeScalars.map(\.value))")
            let foundation = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: [.fragmentsAllowed]) as? String
            #expect(foundation == sample, "\(sample.unicodeScalars.map(\.value))")
        }
    }

    @Test func valuesRoundTripAndMalformedBodiesAreRefused() {
        let value: JSON = ["a": [1, -2, .double(2.5), true, .null, "x"], "b": ["c": "d"], "e": .double(1e-7)]
        #expect(JSONReader.read(JSONWriter.bytes(value)) == value)
        for bad in [#"{"a":1,"a":2}"#, #"{"a":1e999}"#, #"[1,]"#, #"{"a":01}"#, #""\ud800""#, "\u{1}", #"{"a":1} x"#] {
            #expect(JSONReader.read(Array(bad.utf8)) == nil, "\(bad)")
        }
    }
}
