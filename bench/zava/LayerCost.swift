import CLibPQ
import Foundation
import ZavaCore

/// What the data layer costs beyond libpq: the same point query, as the Seattle identity, run
/// `calls` times in a row through `Session.run` (on a `BlockingExecutor` thread that may block
/// in libpq, as the MCP server runs it), then through bare libpq calls sending the identical
/// pipeline (BEGIN READ ONLY, two SET LOCAL, the query, ROLLBACK, DISCARD ALL, one sync).
/// Prints, per round and per call, the CPU time of this process and of PostgreSQL and the wall
/// time of each way, so the layer's cost is read beside the least any libpq client can spend.
struct LayerCost {
    let session: Session
    let conninfo: String
    let rounds: Int
    let calls: Int

    private static let seattle = "f47ac10b-58cc-4372-a567-0e02b2c3d479"

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
                return try await Self.measure { for index in 0..<calls { _ = try await session.run(Self.query(index)) } }
            }
            // Connected before and closed after the measure: an ended backend's CPU leaves /proc.
            guard let conn = PQconnectdb(conninfo) else { throw Failure(description: "out of memory") }
            defer { PQfinish(conn) }
            guard PQstatus(conn) == CONNECTION_OK else { throw Failure(description: String(cString: PQerrorMessage(conn))) }
            let bare = try await Self.measure { try bareLibpq(conn) }
            print("round \(round), \(calls) calls: data layer \(layer.perCall(calls));  bare libpq \(bare.perCall(calls))")
        }
    }

    private static func measure(_ body: () async throws -> Void) async throws -> Cost {
        let clock = ContinuousClock()
        let (process, postgres, started) = (processCPU(), postgresCPU(), clock.now)
        try await body()
        return Cost(processCPU: processCPU() - process, postgresCPU: postgresCPU() - postgres, wall: clock.now - started)
    }

    private struct Failure: Error, CustomStringConvertible { var description: String }

    /// The pipeline through libpq's calls alone, each result checked.
    private func bareLibpq(_ conn: OpaquePointer) throws {
        for index in 0..<calls {
            guard PQenterPipelineMode(conn) == 1 else { throw Failure(description: "pipeline mode") }
            let statements = ["BEGIN READ ONLY", "SET LOCAL zava.rls_user_id = '\(Self.seattle)'", "SET LOCAL statement_timeout = 30000",
                              Self.query(index), "ROLLBACK", "DISCARD ALL"]
            for sql in statements where PQsendQueryParams(conn, sql, 0, nil, nil, nil, nil, 0) != 1 {
                throw Failure(description: String(cString: PQerrorMessage(conn)))
            }
            guard PQpipelineSync(conn) == 1 else { throw Failure(description: String(cString: PQerrorMessage(conn))) }
            var answered = 0
            while answered <= statements.count {
                guard let result = PQgetResult(conn) else { continue }  // the end of one statement's results
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

    /// CPU seconds of every PostgreSQL process so far (the server's share of the work).
    private static func postgresCPU() -> Double {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.reduce(0) { total, pid in
            guard Int(pid) != nil, let name = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
                  name.hasPrefix("postgres"), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let nameEnd = stat.lastIndex(of: ")") else { return total }
            // After the name: state is field 3; utime and stime are fields 14 and 15.
            let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
            return total + ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks
        }
    }
}
