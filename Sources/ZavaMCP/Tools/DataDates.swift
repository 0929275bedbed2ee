import Foundation
import NIOConcurrencyHelpers
import ZavaCore

/// The first and last order dates each identity sees, for every result's structured answer
/// ("last month" may be past the data). Read once per identity and minute, not per call: a
/// point query must not pay a second statement.
final class DataDates: Sendable {
    private let entries = NIOLockedValueBox<[UUID: (dates: ClosedRange<String>?, until: ContinuousClock.Instant)]>([:])
    private let lifetime: Duration

    init(lifetime: Duration = .seconds(60)) { self.lifetime = lifetime }

    func dates(for analyst: AnalystService) async -> ClosedRange<String>? {
        guard let identity = analyst.session.identity else { return nil }
        let now = ContinuousClock.now
        if let known = entries.withLockedValue({ $0[identity.rlsUserID] }), known.until > now { return known.dates }
        guard let read = try? await analyst.whoami() else { return nil }
        entries.withLockedValue { $0[identity.rlsUserID] = (read.orderDates, now + lifetime) }
        return read.orderDates
    }
}
