import Foundation
import Logging
import Tracing
import ZavaCore
import ZavaPostgres
import ZavaProvisioning
import ZavaREPL
import ZavaSpans
import ZavaTracing

// Data-layer and search latency, printed one figure per line with its reference beside it.
// Usage: zava-bench [point|checks|audit|layer|startup|search|completion|spans] (point and search by default); uses the
// configured database (.env, ZAVA_*); completion needs none. `zava-bench mcp ...` is the MCP load generator
// of bench/mcp_throughput.py (see MCPLoad.swift).

func percentile(_ values: [Duration], _ p: Double) -> Double {
    let sorted = values.sorted()
    let index = min(sorted.count - 1, Int(Double(sorted.count - 1) * p))
    let duration = sorted[index]
    return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

let which = CommandLine.arguments.dropFirst().first

if which == "mcp" {
    let arguments = Array(CommandLine.arguments.dropFirst(2))
    guard arguments.count >= 4, let port = Int(arguments[0]), let clients = Int(arguments[1]), let seconds = Double(arguments[2]) else {
        FileHandle.standardError.write(Data("usage: zava-bench mcp PORT CLIENTS SECONDS IDENTITY|bearer:TOKEN [MAX_ID] [query|analytic|date|floor] [legacy|modern]\n".utf8))
        exit(2)
    }
    do {
        try MCPLoad(port: port, clients: clients, seconds: seconds, identity: arguments[3],
                    maxID: arguments.count > 4 ? Int(arguments[4]) ?? 200_000 : 200_000,
                    tool: arguments.count > 5 ? arguments[5] : "query",
                    modern: arguments.count > 6 && arguments[6] == "modern").run()
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("zava-bench mcp: \(error)\n".utf8))
        exit(1)
    }
}

if which == "spans" {
    // The tracer alone, on one thread: an MCP point query's three spans (HTTP request, MCP
    // method, statement) with the attributes zava sets and the statement's traceparent, made
    // and ended into the export queue (not exported: the queue holds them all).
    let configuration = try TracingConfiguration(environment: [
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9", "OTEL_TRACES_SAMPLER": "always_on",
        "OTEL_BSP_MAX_QUEUE_SIZE": "1000000", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "512", "OTEL_BSP_SCHEDULE_DELAY": "3600000",
    ])
    var quiet = Logger(label: "zava-bench")
    quiet.logLevel = .critical
    let backend = TracingBackend(configuration: configuration, logger: quiet)
    Trace.bootstrap(backend.tracer)
    let clock = ContinuousClock()
    let calls = 100_000
    func microseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }
    let start = clock.now
    for index in 0..<calls {
        // As MCPEndpoint and Session make them: the HTTP span passes its context on explicitly,
        // the other two are the current span while they run.
        var http = Trace.start("POST /mcp", ofKind: .server, parent: nil)
        http.reserveAttributes(8)
        http.set("http.request.method", "POST")
        http.set("http.route", "/mcp")
        http.set("url.path", "/mcp")
        http.set("url.scheme", "http")
        http.set("server.port", 8000)
        http.set("user_agent.original", "zava-bench")
        await Trace.withSpan("tools/call execute_sales_query", ofKind: .server, parent: http.context) { span in
            span.reserveAttributes(10)
            span.set("mcp.method.name", "tools/call")
            span.set("mcp.protocol.version", "2025-11-25")
            span.set("jsonrpc.request.id", .string("\(index)"))
            span.set("gen_ai.tool.name", "execute_sales_query")
            span.set("gen_ai.operation.name", "execute_tool")
            span.set("zava.identity", "seattle")
            span.set("zava.auth", "header")
            await Trace.withSpan("SELECT retail.orders", ofKind: .client) { span in
                span.reserveAttributes(6)
                span.set("db.system.name", "postgresql")
                span.set("db.query.summary", "SELECT retail.orders")
                span.set("db.query.text", "SELECT order_id FROM retail.orders WHERE order_id = $1")
                span.set("zava.identity", "seattle")
                _ = Trace.traceparent(of: span.context)
                span.set("db.response.returned_rows", 1)
            }
        }
        http.set("http.response.status_code", 200)
        http.end()
    }
    let perCall = microseconds(clock.now - start) / Double(calls)
    print(String(format: "spans of one MCP call (3 spans, 20 attributes, the statement's traceparent; %d calls): %.1f µs per call", calls, perCall))
    exit(0)
}

if which == "completion" {
    // Tab completion on a 1,000-table, 20,000-column catalogue: index build and per-key response.
    let clock = ContinuousClock()
    let tables = (0..<1_000).map { index in
        CatalogueTable(schema: "schema\(index % 10)", name: "table_\(index)", columns: (0..<20).map { "column_\(index)_\($0)" })
    }
    var builds: [Duration] = []
    var catalogue = CompletionCatalogue()
    for _ in 0..<20 {
        let start = clock.now
        catalogue = CompletionCatalogue(tables, profiles: ["headoffice", "seattle"])
        builds.append(clock.now - start)
    }
    let completer = SQLCompleter(catalogue: catalogue)
    let requests: [(String, String)] = [
        ("SELECT * FROM tab", ""), ("SELECT * FROM schema3.table_1", ""), ("select * from schema1.table_11 t where t.col", ""),
        ("select column_5", " from schema5.table_5 a join schema6.table_6 b on a.column_5_1 = b.column_6_1"),
        ("select * from schema2.table_2, schema3.table_3 where ", ""), ("select * from schema2.table_2 gr", ""),
        (":describe schema9.tab", ""), ("select ", ""),
    ]
    var timings: [Duration] = []
    var slowest: [String: Duration] = [:]
    var candidates = 0
    for round in 0..<250 {
        for (before, after) in requests {
            let start = clock.now
            if case .candidates(let found) = completer.complete(before: before + (round % 2 == 0 ? "" : "_"), after: after) {
                candidates += found.count
            }
            let elapsed = clock.now - start
            timings.append(elapsed)
            slowest[before] = max(slowest[before] ?? .zero, elapsed)
        }
    }
    if let (request, time) = slowest.max(by: { $0.value < $1.value }) { print("slowest request: \(request) (\(time))") }
    print(String(format: "completion catalogue build (1,000 tables, 20,000 columns): p50 %.2f ms", percentile(builds, 0.5)))
    print(String(format: "completion response (%d requests, 1,000 tables, 20,000 columns): p50 %.3f ms  p99 %.3f ms  max %.3f ms  (goal < 20 ms)",
                 timings.count, percentile(timings, 0.5), percentile(timings, 0.99), percentile(timings, 1.0)))
    exit(candidates > 0 ? 0 : 1)
}

let configuration = try Settings.load()
let files = try ProjectFiles.locate()
let conninfo = try await Provisioner(settings: configuration, files: files).prepare()
let database = Database(conninfo: conninfo, poolSize: 1, limits: QueryLimits(rowCap: 1000, statementTimeout: .seconds(30)))
let seattle = try await database.identities().resolve("seattle")
let session = database.session(for: seattle)
let clock = ContinuousClock()

if which == nil || which == "point" {
    let sql = "SELECT order_id, customer_id, order_date FROM retail.orders WHERE order_id = $1"
    for id in 1...200 { _ = try await session.run(sql, parameters: [String(id)]) } // warm-up
    var timings: [Duration] = []
    for index in 0..<5_000 {
        let start = clock.now
        _ = try await session.run(sql, parameters: [String(1 + index % 190_000)])
        timings.append(clock.now - start)
    }
    print(String(format: "data layer point query (5,000 sequential, seattle): p50 %.3f ms  p99 %.3f ms", percentile(timings, 0.5), percentile(timings, 0.99)))
}

if which == "checks" {
    // What StatementPolicy costs each statement before it is sent (the point query, as Seattle),
    // beside that statement's own p50 through the data layer.
    let sql = "SELECT order_id, customer_id, order_date FROM retail.orders WHERE order_id = $1"
    let policy = StatementPolicy()
    let count = 1_000_000
    let start = clock.now
    for _ in 0..<count { try policy.check(sql, for: seattle) }
    let elapsed = clock.now - start
    let perCall = (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9) / Double(count)
    var timings: [Duration] = []
    for index in 0..<2_000 {
        let began = clock.now
        _ = try await session.run(sql, parameters: [String(1 + index % 190_000)])
        timings.append(clock.now - began)
    }
    let p50 = percentile(timings, 0.5)
    print(String(format: "statement checks before sending (point query, %d runs): %.0f ns per statement = %.3f%% of the point query's p50 %.3f ms (goal < 2%%)",
                 count, perCall, perCall / (p50 * 1e6) * 100, p50))
}

if which == "audit" {
    // What one audit record costs a statement: libpg_query's normaliser and fingerprint of the
    // MCP point query (a new literal each time, as an agent's queries have), the JSON line, and
    // its write(2) to a file.
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("zava-bench-audit-\(getpid()).jsonl").path
    defer { unlink(path) }
    let log = try AuditLog(path: path, maxBytes: 1 << 30)
    let count = 50_000
    let shapes = StatementShapes()
    let start = clock.now
    for index in 0..<count {
        let shape = shapes.shape(of: "SELECT order_id, customer_id, store_id, order_date FROM retail.orders WHERE order_id = \(index)")
        try log.append(AuditRecord(time: 1_765_000_000, frontend: "mcp", identity: "seattle", storeID: 1, principal: "header",
                                   requestID: "0123456789abcdef", traceID: nil, fingerprint: shape.fingerprint, statement: shape.normalized,
                                   rows: 1, truncated: false, durationMilliseconds: 0.8, outcome: .ok))
    }
    let elapsed = clock.now - start
    let perRecord = (Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12) / Double(count)
    print(String(format: "audit record (the statement's shape, its JSON line, the write; %d records of one shape): %.1f µs per statement", count, perRecord))
    let parseStart = clock.now
    for index in 0..<count {
        _ = StatementFingerprint("SELECT order_id, customer_id, store_id, order_date FROM retail.orders WHERE order_id = \(index)")
    }
    let parse = clock.now - parseStart
    print(String(format: "  libpg_query alone (normalise + fingerprint, no cache): %.1f µs", (Double(parse.components.seconds) * 1e6 + Double(parse.components.attoseconds) / 1e12) / Double(count)))
}

if which == "startup" {
    // The security check every `zava` start runs before the prompt, on the pool's one connection.
    let doctor = Doctor(database: database)
    for _ in 0..<10 { _ = try await doctor.securityReport() }  // warm-up
    var timings: [Duration] = []
    for _ in 0..<200 {
        let start = clock.now
        let report = try await doctor.securityReport()
        timings.append(clock.now - start)
        guard report.rlsEnforced else {
            FileHandle.standardError.write(Data("zava-bench startup: the database fails the check\n\(report.rendered())\n".utf8))
            exit(1)
        }
    }
    print(String(format: "start-up security check (200 sequential, one statement): p50 %.2f ms  p99 %.2f ms  max %.2f ms",
                 percentile(timings, 0.5), percentile(timings, 0.99), percentile(timings, 1.0)))
}

if which == "layer" {
    // The data layer's own CPU per call beside libpq alone sending the same pipeline.
    try await LayerCost(session: session, conninfo: conninfo, rounds: 3, calls: 5_000).run()
}

if which == nil || which == "search" {
    let embedder = try EmbedderFactory.make(configuration)
    let search = ProductSearch(session: session, embedder: embedder)
    let queries = ["something to cut copper pipe", "cordless drill with two batteries", "moss is taking over my lawn",
                   "paint for a bathroom ceiling", "organize my garage", "fix a dripping kitchen faucet",
                   "hang a heavy mirror on drywall", "protect my deck from rain"]
    for query in queries { _ = try await search.search(SearchRequest(query: query)) }
    var timings: [Duration] = [], hybrid: [Duration] = [], embedOnly: [Duration] = []
    for round in 0..<25 {
        for query in queries {
            var start = clock.now
            _ = try await embedder.embed([query + " \(round)"])
            embedOnly.append(clock.now - start)
            start = clock.now
            _ = try await search.search(SearchRequest(query: query + " \(round)"))
            timings.append(clock.now - start)
            start = clock.now
            _ = try await search.search(SearchRequest(query: query + " \(round)", mode: .hybrid))
            hybrid.append(clock.now - start)
        }
    }
    print(String(format: "query embedding (%@, 200 queries): p50 %.2f ms", embedder.modelName, percentile(embedOnly, 0.5)))
    print(String(format: "end-to-end :search vector (embed + HNSW + RLS join): p50 %.2f ms  p99 %.2f ms  (goal p50 <= 20 ms)", percentile(timings, 0.5), percentile(timings, 0.99)))
    print(String(format: "end-to-end :search hybrid: p50 %.2f ms  p99 %.2f ms", percentile(hybrid, 0.5), percentile(hybrid, 0.99)))
}
await database.close()
