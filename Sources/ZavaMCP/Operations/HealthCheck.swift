import Logging
import ZavaCore

/// `GET /healthz`: 200 while the database answers, on a connection of its own, within a
/// couple of seconds, even when every pooled connection is busy ("busy" in the body: an
/// orchestrator must not restart a healthy instance because its users keep it busy); 503 when
/// it does not. The reason is logged, not sent: it names hosts and socket paths.
struct HealthCheck: Sendable {
    let database: Database
    let logger: Logger
    var limit: Duration = .seconds(3)

    func answer() async -> (status: Int, json: String) {
        switch await database.health(within: limit) {
        case .up:
            return (200, #"{"status":"ok"}"#)
        case .busy(let pool):
            return (200, #"{"status":"busy","pool":{"size":\#(pool.size),"in_use":\#(pool.inUse),"waiting":\#(pool.waiting)}}"#)
        case .down(let reason):
            logger.warning("health check: database unavailable", metadata: ["error": "\(reason)"])
            return (503, #"{"status":"unavailable","error":"the database does not answer"}"#)
        }
    }
}
