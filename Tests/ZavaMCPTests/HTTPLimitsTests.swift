import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import ZavaCore
@testable import ZavaMCP

/// What one client can hold of the server's resources: a connection that sends nothing, a
/// head or a body that trickles in, more connections than the cap, an unauthenticated body, a
/// principal's sessions, an answer far larger than its rows. Real sockets on loopback; bounds
/// are far from the configured timeouts (1 s) so a slow machine does not flip an outcome.
@Suite("MCP: HTTP resource limits", .serialized)
struct HTTPLimitsTests {
    static func head(port: Int, _ extra: String = "x-rls-user-id: seattle\r\n") -> String {
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "Accept: application/json, text/event-stream\r\n" + extra
    }

    @Test("a silent connection and a head sent a byte at a time are closed after the idle timeout")
    func idleAndTricklingConnectionsAreClosed() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database) { $0.idleTimeout = .seconds(2) }
        let clock = ContinuousClock()
        let opened = clock.now
        let silent = try RawConnection(port: running.port)
        let trickle = try RawConnection(port: running.port)
        try await Task.sleep(for: .milliseconds(300))
        // On a loaded machine the sleep can outlast the timeout itself; then there is nothing to check.
        if clock.now - opened < .milliseconds(1_500) {
            #expect(silent.state() == .open && trickle.state() == .open, "open before the timeout")
        }
        let start = clock.now
        let request = Array(Self.head(port: running.port))
        var sent = 0
        var trickleState = RawConnection.State.open
        // One byte every 100 ms: the head is never complete, but bytes keep coming.
        while clock.now - start < .seconds(6), trickleState == .open {
            if sent < request.count { trickle.send(String(request[sent])); sent += 1 }
            try await Task.sleep(for: .milliseconds(100))
            trickleState = trickle.state()
        }
        #expect(trickleState == .closed, "a trickled head is closed, not kept open by its bytes: \(trickleState)")
        #expect(clock.now - start < .seconds(6))
        #expect(await silent.wait(atMost: .seconds(4)) == .closed)
        try await running.stop()
        await database.close()
    }

    @Test("a body sent too slowly: the connection is closed after the body timeout")
    func aSlowBodyIsClosed() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database) {
            $0.bodyTimeout = .seconds(1)
            $0.requestTimeout = .seconds(2)  // the deadline sweep runs every 200 ms
            $0.idleTimeout = .seconds(30)
        }
        let slow = try RawConnection(port: running.port)
        slow.send(Self.head(port: running.port) + "Content-Length: 2000\r\n\r\n")
        let clock = ContinuousClock()
        let start = clock.now
        var state = RawConnection.State.open
        while clock.now - start < .seconds(8), state == .open {
            slow.send(#"{"a":1}"#)  // keeps the connection active: only the body deadline ends it
            try await Task.sleep(for: .milliseconds(100))
            state = slow.state()
            if clock.now - start < .milliseconds(500) { #expect(state == .open, "open before the deadline") }
        }
        #expect(state == .closed || RawConnection.status(state) == 408, "\(state)")
        #expect(clock.now - start < .seconds(4), "closed at the 1 s body deadline (+ the sweep), not at the idle timeout")
        try await running.stop()
        await database.close()
    }

    @Test("token mode: a request without a token gets 401 after its head, its body never awaited")
    func anUnauthenticatedBodyIsNotRead() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zava-tokens-\(UUID().uuidString)")
        try "limits-token-\(UUID().uuidString) seattle\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database) { $0.tokensFile = file }
        let connection = try RawConnection(port: running.port)
        connection.send(Self.head(port: running.port, "") + "Content-Length: 1000000\r\n\r\n{\"jsonrpc\":")
        let answer = await connection.wait(atMost: .seconds(3))
        #expect(RawConnection.status(answer) == 401, "\(answer)")
        try await running.stop()
        await database.close()
    }

    @Test("beyond the connection cap a new connection waits; it is served once another closes")
    func theConnectionCapHolds() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database) { $0.maxConnections = 2 }
        let health = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:\(running.port)\r\n\r\n"
        var first: RawConnection? = try RawConnection(port: running.port)
        let second = try RawConnection(port: running.port)
        try await Task.sleep(for: .milliseconds(300))
        let third = try RawConnection(port: running.port)
        third.send(health)
        #expect(await third.wait(atMost: .seconds(1)) == .open, "not served while two connections are open")
        second.send(health)
        #expect(RawConnection.status(await second.wait(atMost: .seconds(5))) == 200, "the open ones are served")
        #expect(first?.state() == .open)
        first = nil  // closes it
        #expect(RawConnection.status(await third.wait(atMost: .seconds(5))) == 200, "served once a connection closed")
        try await running.stop()
        await database.close()
    }

    @Test("one principal over its session quota closes its own oldest session, never another's")
    func sessionQuotasArePerPrincipal() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database) { $0.maxSessionsPerPrincipal = 2 }
        let redmond = try await MCPSession.open(running.url, identity: "redmond")
        var seattle: [MCPSession] = []
        for _ in 0..<3 { seattle.append(try await MCPSession.open(running.url, identity: "seattle")) }
        #expect(try await seattle[0].ping() == 404, "Seattle's oldest session made room for its third")
        #expect(try await seattle[1].ping() == 200)
        #expect(try await seattle[2].ping() == 200)
        #expect(try await redmond.ping() == 200, "another identity's session is untouched")
        try await running.stop()
        await database.close()
    }

    @Test("a huge answer is cut where its encoding would pass the answer limit, and says truncated")
    func answersAreBoundedAfterEncoding() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let limit = 160 << 10
        let running = try await RunningServer.start(database) { $0.maxAnswerBytes = limit }
        // 100 rows of 4,000 control characters: 400 KB of data, 2.4 MB as JSON, more as JSON-RPC.
        let report = try await PythonClient.run("raw", url: running.url, ["cases": [
            InferenceOverMCPTests.call("SELECT g, repeat(chr(1), 4000) AS padding FROM generate_series(1, 100) g",
                                       as: SampleIdentity.seattle),
        ]], as: RawReport.self)
        let answer = try #require(report.raw.first)
        let body = try #require(answer.body)
        #expect(answer.status == 200 && body.utf8.count <= limit, "\(body.utf8.count) bytes")
        #expect(body.contains(#"\"truncated\":true"#) && body.contains(#"\"r\":[[1,"#), "\(body.prefix(300))")
        try await running.stop()
        await database.close()
    }

    @Test("/healthz and /metrics refuse a foreign Host or Origin like the MCP route")
    func operationsRoutesCheckHostAndOrigin() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database)
        var cases: [[String: Any]] = []
        for path in ["/mcp", "/healthz", "/metrics"] {
            cases.append(["name": "origin \(path)", "method": path == "/mcp" ? "POST" : "GET", "path": path,
                          "headers": ["x-rls-user-id": "seattle", "Origin": "http://evil.example"],
                          "body": HTTPAttackTests.whoami])
            cases.append(["name": "host \(path)", "method": path == "/mcp" ? "POST" : "GET", "path": path,
                          "headers": ["x-rls-user-id": "seattle", "Host": "evil.example:\(running.port)"],
                          "body": HTTPAttackTests.whoami])
        }
        let report = try await PythonClient.run("raw", url: running.url, ["cases": cases], as: RawReport.self)
        let statuses = Dictionary(report.raw.map { ($0.name, $0.status ?? 0) }, uniquingKeysWith: { first, _ in first })
        for path in ["/healthz", "/metrics"] {
            #expect(statuses["origin \(path)"] == statuses["origin /mcp"] && statuses["origin /mcp"] == 403, "\(statuses)")
            #expect(statuses["host \(path)"] == statuses["host /mcp"] && statuses["host /mcp"] == 421, "\(statuses)")
        }
        try await running.stop()
        await database.close()
    }

    @Test("a tool call on an unreachable database: a clear error without the server's socket path or port")
    func connectionErrorsNameNoSocket() async throws {
        let unreachable = Database(conninfo: "host=/nonexistent-zava-socket port=5999 dbname=zava user=zava_analyst connect_timeout=2",
                                   poolSize: 1, limits: QueryLimits(rowCap: 10, statementTimeout: .seconds(2)))
        let principal = Principal(identity: .headOffice, source: .header, tokenLabel: nil)
        let context = ToolContext(principal: principal, session: unreachable.session(for: .headOffice), search: nil)
        let reply = await SalesQueryTool().call(["postgresql_query": .string("SELECT 1")], context: context)
        #expect(reply.isError && reply.text.contains("database unavailable"), "\(reply.text)")
        #expect(!reply.text.contains("nonexistent-zava-socket") && !reply.text.contains("5999") && !reply.text.contains(".s.PGSQL"),
                "\(reply.text)")
        #expect(reply.logDetail?.contains("nonexistent-zava-socket") == true, "the log keeps the detail")
        await unreachable.close()
    }
}

/// A stateful MCP session opened over plain HTTP, to check later whether the server still knows it.
struct MCPSession {
    let url: URL
    let identity: String
    let id: String

    static func open(_ url: String, identity: String) async throws -> MCPSession {
        let endpoint = try #require(URL(string: url))
        let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"limits-test","version":"1"}}}"#
        let (_, response) = try await post(endpoint, identity: identity, session: nil, body: initialize)
        let id = try #require(response.value(forHTTPHeaderField: "Mcp-Session-Id"), "no session id: \(response.statusCode)")
        return MCPSession(url: endpoint, identity: identity, id: id)
    }

    /// The status of a ping in this session (404 once the server has closed it).
    func ping() async throws -> Int {
        try await Self.post(url, identity: identity, session: id, body: #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#).1.statusCode
    }

    private static func post(_ url: URL, identity: String, session: String?, body: String) async throws -> (Data, HTTPURLResponse) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json, text/event-stream", forHTTPHeaderField: "Accept")
        request.setValue(identity, forHTTPHeaderField: "x-rls-user-id")
        request.setValue("2025-06-18", forHTTPHeaderField: "MCP-Protocol-Version")
        if let session { request.setValue(session, forHTTPHeaderField: "Mcp-Session-Id") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return (data, try #require(response as? HTTPURLResponse))
    }
}
