import CLibPQ
import Foundation
import ZavaCore
import ZavaPostgres

/// What the data layer costs beyond libpq: the same point query, as the Seattle identity, run
/// `calls` times in a row through `Session.run` (on a `BlockingExecutor` thread that may block
/// in libpq, as the MCP server runs it), then through bare libpq calls sending the identical
/// pipeline (`Session.protocolStatements` around the query, one sync).
/// Prints, per round and per call, the CPU time of this process and of the backend serving each
/// way (read from /proc: a server on this machine) and the wall time, so the layer's cost is read
/// beside the least any libpq client can spend. `session` needs a pool of one connection, so its
/// backend is the same all along.
struct LayerCost {
    let session: Session
    let conninfo: String
    let rounds: Int
    let calls: Int

    private static func query(_ index: Int) -> String {
        "SELECT order_id, customer_id, store_id, order_date FROM retail.orders WHERE order_id = \(1 + (index * 7_919) % 190_000)"
    }

    struct Cost {
        var processCPU: Double
        var postgresCPU: Double
        var wall: Duration

        func perCall(_ calls: Int) -> String {
            let wallMs = (Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18) * 1_000 / Double(calls)
            return String(format: "%5.1f us CPU (PostgreSQL %5.1f us), %.3f ms wall", processCPU * 1e6 / Double(calls),
                          postgresCPU * 1e6 / Double(calls), wallMs)
        }
    }

    func run() async throws {
        let threads = BlockingExecutor(name: "zava-bench", threads: 2)
        defer { threads.shutdown() }
        for round in 1...rounds {
            let layer = try await threads.run(databaseCallsInline: true) {
                for index in 0..<200 { _ = try await session.run(Self.query(index)) }  // warm-up
                let backend = try await session.run("SELECT pg_backend_pid()").rows.first?.first
                guard case .int(let pid)? = backend else { throw Failure(description: "no backend pid") }
                return try await Self.measure(backend: Int32(pid)) {
                    for index in 0..<calls { _ = try await session.run(Self.query(index)) }
                }
            }
            // Connected before and closed after the measure: an ended backend's CPU leaves /proc.
            guard let conn = PQconnectdb(conninfo) else { throw Failure(description: "out of memory") }
            defer { PQfinish(conn) }
            guard PQstatus(conn) == CONNECTION_OK else { throw Failure(description: String(cString: PQerrorMessage(conn))) }
            let bare = try await Self.measure(backend: PQbackendPID(conn)) { try bareLibpq(conn) }
            print("round \(round), \(calls) calls: data layer \(layer.perCall(calls));  bare libpq \(bare.perCall(calls))")
        }
    }

    private static func measure(backend: Int32, _ body: () async throws -> Void) async throws -> Cost {
        let clock = ContinuousClock()
        let (process, postgres, started) = (processCPU(), backendCPU(backend), clock.now)
        try await body()
        return Cost(processCPU: processCPU() - process, postgresCPU: backendCPU(backend) - postgres, wall: clock.now - started)
    }

    private struct Failure: Error, CustomStringConvertible { var description: String }

    /// The session's pipeline through libpq's calls alone, each result checked.
    private func bareLibpq(_ conn: OpaquePointer) throws {
        let (setup, cleanup) = session.protocolStatements()
        for index in 0..<calls {
            guard PQenterPipelineMode(conn) == 1 else { throw Failure(description: "pipeline mode") }
            let statements = setup + [Self.query(index)] + cleanup
            for sql in statements where PQsendQueryParams(conn, sql, 0, nil, nil, nil, nil, 0) != 1 {
                throw Failure(description: String(cString: PQerrorMessage(conn)))
            }
            guard PQpipelineSync(conn) == 1 else { throw Failure(description: String(cString: PQerrorMessage(conn))) }
            var answered = 0
            while answered <= statements.count {
                guard let result = PQgetResult(conn) else {  // the end of one statement's results
                    guard PQstatus(conn) == CONNECTION_OK else { throw Failure(description: String(cString: PQerrorMessage(conn))) }
                    continue
                }
                defer { PQclear(result) }
                switch PQresultStatus(result) {
                case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_PIPELINE_SYNC: answered += 1
                default: throw Failure(description: String(cString: PQresultErrorMessage(result)))
                }
            }
            guard PQexitPipelineMode(conn) == 1 else { throw Failure(description: "pipeline mode") }
        }
    }

    private static func processCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// CPU seconds the backend `pid` has used so far (0 when it is not a process of this machine).
    private static func backendCPU(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let nameEnd = stat.lastIndex(of: ")") else { return 0 }
        // After the name: state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        return ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
