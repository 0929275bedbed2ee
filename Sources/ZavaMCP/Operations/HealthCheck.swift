import ZavaCore

/// `GET /healthz`: the database answers a trivial query within a couple of seconds.
struct HealthCheck: Sendable {
    let database: Database
    var limit: Duration = .seconds(3)

    /// nil when healthy, else why not.
    func problem() async -> String? {
        await withTaskGroup(of: String??.self) { group in
            group.addTask {
                do {
                    try await database.ping()
                    return .some(nil)
                } catch {
                    return .some(String(describing: error))
                }
            }
            group.addTask { [limit] in
                do { try await Task.sleep(for: limit) } catch { return nil }
                return .some("the database did not answer within \(limit)")
            }
            var outcome: String?? = nil
            for await candidate in group {
                if let candidate { outcome = candidate; break }
            }
            group.cancelAll()
            return outcome ?? "health check cancelled"
        }
    }
}
