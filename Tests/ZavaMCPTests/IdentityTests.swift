import Foundation
import Testing
import ZavaCore
@testable import ZavaMCP

/// Identity is decided once per request and fails closed; nothing a client sends can widen it.
@Suite("MCP identity: fail closed, tokens, DNS rebinding", .serialized)
struct IdentityTests {
    static let countOrders = "SELECT count(*) AS orders FROM retail.orders"

    @Test("no header, an unknown or a malformed identity is refused - never head office")
    func refusedWithoutIdentity() async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database)
        let sessions = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "none", "headers": [:], "calls": [["tool": "whoami"]]],
            ["name": "empty", "headers": ["x-rls-user-id": " "], "calls": [["tool": "whoami"]]],
            ["name": "unknown uuid", "headers": ["x-rls-user-id": "11111111-2222-3333-4444-555555555555"], "calls": [["tool": "whoami"]]],
            ["name": "garbage", "headers": ["x-rls-user-id": "'; SET zava.rls_user_id = '00000000-0000-0000-0000-000000000000"],
             "calls": [["tool": "whoami"]]],
        ]], as: SessionsReport.self)
        let raw = try await PythonClient.run("raw", url: running.url, ["cases": [
            ["name": "none", "body": ["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": [:]]],
            ["name": "unknown", "headers": ["x-rls-user-id": "atlantis"], "body": ["jsonrpc": "2.0", "id": 2, "method": "tools/list"]],
        ]], as: RawReport.self)
        try await running.stop()

        for session in sessions.sessions {
            #expect(session.calls == nil, "\(session.name) must not get a session")
            #expect(session.error != nil, "\(session.name)")
        }
        #expect(sessions.sessions[0].error?.contains("no identity") == true, "\(sessions.sessions[0].error ?? "")")
        #expect(sessions.sessions[2].error?.contains("names no known identity") == true, "\(sessions.sessions[2].error ?? "")")
        #expect(raw.raw[0].status == 401)
        #expect(raw.raw[0].body?.contains("-32001") == true && raw.raw[0].body?.contains("x-rls-user-id") == true)
        #expect(raw.raw[1].status == 403)
        // Refused from the headers alone, before the body (and its id) is read: JSON-RPC's null id.
        #expect(raw.raw[1].body?.contains("\"id\":null") == true, "\(raw.raw[1].body ?? "")")
        #expect(raw.raw[1].body?.contains("seattle") == true, "the refusal lists the known profiles")
    }

    @Test("--default-profile serves requests without a header as that profile, and says so")
    func defaultProfile() async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database) { $0.defaultProfile = "online" }
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "none", "headers": [:], "calls": [["tool": "whoami"]]],
            ["name": "explicit", "headers": ["x-rls-user-id": "seattle"], "calls": [["tool": "whoami"]]],
        ]], as: SessionsReport.self)
        try await running.stop()

        #expect(running.server.startupNotes.contains { $0.contains("online") && $0.contains("--default-profile") })
        #expect(report.sessions[0].calls?.first?.text?.contains("\"profile\":\"online\"") == true)
        #expect(report.sessions[0].calls?.first?.text?.contains("\"authenticated_by\":\"default-profile\"") == true)
        #expect(report.sessions[1].calls?.first?.text?.contains("\"profile\":\"seattle\"") == true)
    }

    @Test("bearer tokens decide the identity; a header cannot raise or switch it; tokens are never logged")
    func tokenMode() async throws {
        let seattleToken = "seattle-token-\(UUID().uuidString)"
        let headOfficeToken = "hq-token-\(UUID().uuidString)"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zava-tokens-\(UUID().uuidString)")
        try "# test tokens\n\(seattleToken)  seattle\n\n\(headOfficeToken)\theadoffice\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database) { $0.tokensFile = file }
        let calls: [[String: Any]] = [["tool": "whoami"], ["tool": "execute_sales_query", "args": ["postgresql_query": Self.countOrders]]]
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "no token", "headers": ["x-rls-user-id": SampleIdentity.headOffice], "calls": calls],
            ["name": "wrong token", "headers": ["Authorization": "Bearer \(seattleToken)x"], "calls": calls],
            ["name": "seattle claims head office", "headers": ["Authorization": "Bearer \(seattleToken)",
                                                               "x-rls-user-id": SampleIdentity.headOffice], "calls": calls],
            ["name": "seattle claims redmond", "headers": ["Authorization": "Bearer \(seattleToken)", "x-rls-user-id": "redmond"],
             "calls": calls],
            ["name": "head office", "headers": ["Authorization": "Bearer \(headOfficeToken)"], "calls": calls],
            ["name": "head office narrowed", "headers": ["Authorization": "bearer \(headOfficeToken)", "x-rls-user-id": "online"],
             "calls": calls],
        ]], as: SessionsReport.self)
        let raw = try await PythonClient.run("raw", url: running.url, ["cases": [
            ["name": "no token", "body": ["jsonrpc": "2.0", "id": 1, "method": "tools/list"]],
        ]], as: RawReport.self)
        try await running.stop()

        let all = try await MCPFixture.shared.orderCount(storeRLSUserID: nil)
        let seattle = try await MCPFixture.shared.orderCount(storeRLSUserID: SampleIdentity.seattle)
        let online = try await MCPFixture.shared.orderCount(storeRLSUserID: SampleIdentity.online)
        func outcome(_ index: Int) -> (profile: String?, orders: JSONScalar?) {
            let calls = report.sessions[index].calls
            let profile = calls?.first?.text.flatMap { text in
                ["headoffice", "seattle", "redmond", "online"].first { text.contains("\"profile\":\"\($0)\"") }
            }
            return (profile, (try? CompactResult.decode(calls?.last?.text))?.r.first?.first)
        }
        #expect(report.sessions[0].error?.contains("bearer token is required") == true, "\(report.sessions[0].error ?? "")")
        #expect(report.sessions[1].error?.contains("not valid") == true, "\(report.sessions[1].error ?? "")")
        #expect(outcome(2).profile == "seattle" && outcome(2).orders == .number(Double(seattle)))
        #expect(outcome(3).profile == "seattle" && outcome(3).orders == .number(Double(seattle)))
        #expect(outcome(4).profile == "headoffice" && outcome(4).orders == .number(Double(all)))
        #expect(outcome(5).profile == "online" && outcome(5).orders == .number(Double(online)))
        #expect(raw.raw[0].status == 401)
        #expect(raw.raw[0].headers?["www-authenticate"]?.hasPrefix("Bearer") == true)

        let logs = running.logs.all
        #expect(logs.contains { $0.contains("tool call") && $0.contains("token@line2") })
        #expect(!logs.contains { $0.contains(seattleToken) || $0.contains(headOfficeToken) })
    }

    @Test("a session stays with the identity that opened it")
    func sessionBoundToIdentity() async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database)
        let report = try await PythonClient.run("raw", url: running.url, ["cases": [
            ["name": "hijack", "session": true, "headers": ["x-rls-user-id": "seattle"],
             "override": ["x-rls-user-id": SampleIdentity.headOffice],
             "body": ["jsonrpc": "2.0", "id": 3, "method": "tools/call",
                      "params": ["name": "execute_sales_query", "arguments": ["postgresql_query": Self.countOrders]]]],
            ["name": "same identity", "session": true, "headers": ["x-rls-user-id": "seattle"],
             "override": ["x-rls-user-id": SampleIdentity.seattle],
             "body": ["jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": ["name": "whoami"]]],
        ]], as: RawReport.self)
        try await running.stop()

        #expect(report.raw[0].status == 403)
        #expect(report.raw[0].body?.contains("another identity") == true)
        #expect(report.raw[1].status == 200)
        #expect(report.raw[1].body?.contains(#"\"profile\":\"seattle\""#) == true, "\(report.raw[1].body ?? "")")
    }

    @Test("forged Host and Origin are refused (DNS rebinding); allow-listed ones pass")
    func dnsRebinding() async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database) { $0.allowedOrigins = ["https://ide.example.com"] }
        let initialize: [String: Any] = ["jsonrpc": "2.0", "id": 1, "method": "initialize",
                                         "params": ["protocolVersion": "2025-06-18", "capabilities": [:],
                                                    "clientInfo": ["name": "t", "version": "1"]]]
        let seattle = ["x-rls-user-id": "seattle"]
        let report = try await PythonClient.run("raw", url: running.url, ["cases": [
            ["name": "evil host", "headers": seattle.merging(["Host": "evil.example:\(running.port)"]) { $1 }, "body": initialize],
            ["name": "evil origin", "headers": seattle.merging(["Origin": "http://evil.example"]) { $1 }, "body": initialize],
            ["name": "null origin", "headers": seattle.merging(["Origin": "null"]) { $1 }, "body": initialize],
            ["name": "other port", "headers": seattle.merging(["Host": "127.0.0.1:1"]) { $1 }, "body": initialize],
            ["name": "localhost", "headers": seattle.merging(["Host": "localhost:\(running.port)",
                                                               "Origin": "http://localhost:\(running.port)"]) { $1 }, "body": initialize],
            ["name": "allowed origin", "headers": seattle.merging(["Origin": "https://ide.example.com"]) { $1 }, "body": initialize],
        ]], as: RawReport.self)
        try await running.stop()

        #expect(report.raw.map(\.status) == [421, 403, 403, 421, 200, 200], "\(report.raw.map { "\($0.name): \($0.status ?? 0) \($0.body ?? "")" })")
    }
}
