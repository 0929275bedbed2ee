import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
import ZavaTesting

/// The audit trail's rules without a server: what a record keeps of a statement (never a
/// literal), one line per statement from an audited session, rotation, reading back, and the
/// settings that turn OpenTelemetry on.
@Suite struct AuditTrailTests {
    static let seattle = Identity(profile: "seattle", rlsUserID: UUID(uuidString: "f47ac10b-58cc-4372-a567-0e02b2c3d479")!,
                                  storeName: "Zava Retail Seattle", storeID: 1)

    func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zava-audit-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func theParserRemovesLiteralsAndOneShapeHasOneFingerprint() {
        let first = StatementFingerprint("SELECT * FROM retail.customers WHERE email = 'ada@example.com' AND customer_id > 42")
        let second = StatementFingerprint("select * from retail.customers where email = 'bob@example.org' and customer_id > 7")
        #expect(first.normalized == "SELECT * FROM retail.customers WHERE email = $1 AND customer_id > $2")
        #expect(first.fingerprint != nil && first.fingerprint == second.fingerprint)
        #expect(first.summary == "SELECT retail.customers")
        #expect(StatementFingerprint("select 1").summary == "SELECT")
        #expect(StatementFingerprint("select 1 from retail.orders").fingerprint != StatementFingerprint("select 1 from retail.stores").fingerprint)
    }

    @Test func commentsNeverReachTheTrailAndOneShapeIsWorkedOutOnce() {
        let shape = StatementFingerprint("select 1 -- for ada@example.com\n from retail.orders /* vip 31337 */ where order_id = 7")
        #expect(!shape.normalized.contains("ada") && !shape.normalized.contains("31337") && !shape.normalized.contains("vip"))
        let shapes = StatementShapes(capacity: 2)
        let first = shapes.shape(of: "select * from retail.orders where order_id = 1 -- ada")
        let second = shapes.shape(of: "select * from retail.orders where order_id = 2 -- bob")
        #expect(first == second && !first.normalized.contains("ada"))
        #expect(shapes.shape(of: "select * from retail.stores where store_id = 3").fingerprint != first.fingerprint)
    }

    @Test(arguments: [
        ("select 'secret' from t where x = 12.5e3 -- note 99\n and y = E'a\\'b'", "select ? from t where x = ? \n and y = ?"),
        ("select $tag$ 4242 $tag$, $$x$$, \"col 7\" /* 55 /* 66 */ */ from t2", "select ?, ?, \"col 7\"   from t2"),
        ("select $1, a1 from t where b = X'1F'", "select $1, a1 from t where b = ?"),
    ])
    func whatTheParserCannotReadLosesItsLiteralsAnyway(sql: String, scrubbed: String) {
        #expect(LiteralScrubber.scrub(sql) == scrubbed)
    }

    @Test func aStatementThePostgres15ParserCannotReadIsScrubbedAndHasNoFingerprint() {
        // Unparseable for libpg_query (a syntax error): no fingerprint, no literal.
        let shape = StatementFingerprint("selec 'ada@example.com' frm x")
        #expect(shape.fingerprint == nil)
        #expect(shape.normalized == "selec ? frm x")
    }

    @Test func anAuditedSessionWritesOneRecordPerStatementAndErrorsWithTheirState() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("audit.jsonl").path
        let executor = FakeStatementExecutor()
        executor.answer("orders", with: .init(columns: [Column(name: "n", typeOID: 20, typeName: "int8")], rows: [["1"], ["2"]]))
        executor.answer("broken", with: .init(error: DatabaseError(sqlState: "42703", message: "column \"broken\" does not exist")))
        let database = Database(executor: executor, limits: QueryLimits(rowCap: 100, statementTimeout: .seconds(1)),
                                auditLog: try AuditLog(path: path))
        let session = database.session(for: Self.seattle).audited(AuditContext(frontend: .mcp, principal: "token:sub-7", requestID: "abc"))
        _ = try await session.run("select n from retail.orders where order_id = 31337")
        await #expect(throws: DatabaseError.self) { try await session.run("select broken from retail.stores where name = 'x'") }
        // A session no front end named (catalogue reads) records nothing.
        _ = try await database.session(for: Self.seattle).run("select n from retail.orders")

        let records = try AuditQuery().read(path: path).records
        #expect(records.count == 2)
        #expect(records[0].frontend == "mcp" && records[0].identity == "seattle" && records[0].storeID == 1)
        #expect(records[0].principal == "token:sub-7" && records[0].requestID == "abc")
        #expect(records[0].statement == "select n from retail.orders where order_id = $1")
        #expect(records[0].rows == 2 && records[0].outcome == .ok && !records[0].truncated)
        #expect(records[1].outcome == .error(sqlState: "42703") && records[1].rows == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("31337") && !text.contains("'x'"))
    }

    @Test func theFileRotatesBySizeAndReadingSpansTheRotatedFiles() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("audit.jsonl").path
        let log = try AuditLog(path: path, maxBytes: 4_096, keep: 2)
        func record(_ index: Int) -> AuditRecord {
            AuditRecord(time: 1_765_000_000 + Double(index), frontend: "repl", identity: index.isMultiple(of: 2) ? "seattle" : "bellevue",
                        storeID: nil, principal: "local:test", requestID: nil, traceID: nil, fingerprint: "00ff00ff00ff00ff",
                        statement: "select " + String(repeating: "x", count: 200), rows: index, truncated: false,
                        durationMilliseconds: 1.25, outcome: .ok)
        }
        for index in 0..<40 { try log.append(record(index)) }
        let files = AuditLog.files(at: path, keep: 2)
        #expect(files == [path + ".2", path + ".1", path])
        for file in files {
            let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            #expect(size <= 4_096)
        }
        let all = try AuditQuery().read(path: path, keep: 2).records
        #expect(all.map(\.rows) == Array((40 - all.count)..<40), "the newest records, oldest first")
        let seattle = try AuditQuery(identity: "SEATTLE", since: 1_765_000_030).read(path: path, keep: 2).records
        #expect(seattle.map(\.rows) == [30, 32, 34, 36, 38])
        #expect(record(3) == AuditRecord(line: Substring(String(decoding: record(3).line, as: UTF8.self).dropLast()))!)
    }

    @Test func aRecordIsOneJSONLineWithEveryField() throws {
        let failed = AuditRecord(time: 1_765_029_601.0456, frontend: "mcp", identity: "seattle", storeID: 1, principal: "jwt:ana \"a\"",
                                 requestID: "r-1", traceID: nil, fingerprint: "0a1b", statement: "select $1\nfrom x", rows: 0,
                                 truncated: true, durationMilliseconds: 12.0456, outcome: .error(sqlState: "42703"))
        #expect(String(decoding: failed.line, as: UTF8.self) == #"""
            {"time":"2025-12-06T14:00:01.045Z","frontend":"mcp","identity":"seattle","store_id":1,"principal":"jwt:ana \"a\"",\#
            "request_id":"r-1","trace_id":null,"fingerprint":"0a1b","statement":"select $1\nfrom x","rows":0,"truncated":true,\#
            "duration_ms":12.046,"outcome":"error","sqlstate":"42703"}

            """#)
        let ok = AuditRecord(time: 0, frontend: "repl", identity: "catalog", storeID: nil, principal: "local:ana", requestID: nil,
                             traceID: "4bf92f3577b34da6a3ce929d0e0e4736", fingerprint: nil, statement: "select 1", rows: 1_234_567,
                             truncated: false, durationMilliseconds: 0.0004, outcome: .ok)
        #expect(String(decoding: ok.line, as: UTF8.self).hasSuffix(
            #""rows":1234567,"truncated":false,"duration_ms":0.000,"outcome":"ok","sqlstate":null}"# + "\n"))
        for record in [failed, ok] {
            let parsed = try #require(AuditRecord(line: Substring(String(decoding: record.line, as: UTF8.self).dropLast())))
            #expect(parsed.statement == record.statement && parsed.principal == record.principal && parsed.rows == record.rows)
            #expect(parsed.outcome == record.outcome && abs(parsed.time - record.time) < 0.001)
        }
    }

    @Test func timesOnTheCommandLine() {
        let now = 1_765_000_000.0
        #expect(AuditQuery.parseTime("90m", now: now) == now - 5_400)
        #expect(AuditQuery.parseTime("7d", now: now) == now - 604_800)
        #expect(AuditQuery.parseTime("2025-12-06") == 1_764_979_200)
        #expect(AuditQuery.parseTime("2025-12-06T14:00Z") == 1_765_029_600)
        #expect(AuditQuery.parseTime("yesterday") == nil)
    }

    @Test func openTelemetryStartsOnlyWhenAnOTELVariableAsks() throws {
        func settings(_ values: [String: String]) throws -> TelemetrySettings {
            try Settings(values: values, directory: URL(fileURLWithPath: "/tmp")).telemetry
        }
        #expect(try settings([:]).openTelemetry == false)
        #expect(try settings(["OTEL_SERVICE_NAME": "zava-prod"]).openTelemetry == false, "naming the service exports nothing")
        #expect(try settings(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]).openTelemetry)
        #expect(try settings(["OTEL_TRACES_EXPORTER": "console"]).openTelemetry)
        #expect(try settings(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"]).exportsMetrics)
        #expect(try settings(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_METRICS_EXPORTER": "none"]).exportsMetrics == false)
        #expect(try settings(["OTEL_METRICS_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"]).exportsMetrics == false)
        #expect(try settings(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"]).exportsTraces)
        #expect(try settings(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"]).exportsTraces == false)
        #expect(try settings(["OTEL_TRACES_EXPORTER": "none"]).openTelemetry == false)
        #expect(try settings(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"]).openTelemetry == false)
        #expect(try settings(["ZAVA_AUDIT_LOG": "audit.jsonl"]).auditLogPath == "/tmp/audit.jsonl")
        #expect(throws: ConfigurationError.self) { try settings(["ZAVA_LOG_FORMAT": "yaml"]) }
        #expect(try settings(["ZAVA_LOG_FORMAT": "JSON"]).logFormat == .json)
    }
}
