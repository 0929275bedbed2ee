import NIOConcurrencyHelpers
import ZavaPostgres

/// Whether store identities may be served: closed while the database's security checks fail
/// (a table that lost RLS, a revoked function granted back), so a change an operator makes
/// after start-up stops the serving of store rows instead of going unnoticed. Head office and
/// the catalogue reads the checks themselves need are never stopped.
public final class SecurityGate: Sendable {
    private let failures = NIOLockedValueBox<[DoctorCheck]>([])

    public init() {}

    /// The failing checks (empty: open).
    public var failing: [DoctorCheck] { failures.withLockedValue { $0 } }

    /// Records the latest security report; returns whether the gate changed between open and closed.
    @discardableResult
    public func update(_ report: DoctorReport) -> Bool {
        let now = report.failures
        return failures.withLockedValue { current in
            defer { current = now }
            return current.isEmpty != now.isEmpty
        }
    }

    func check() throws {
        let failing = self.failing
        guard !failing.isEmpty else { return }
        throw DatabaseError(
            sqlState: "42501", message: "zava has stopped serving store identities: the database's security checks fail",
            detail: failing.map { "\($0.name): \($0.detail)" }.joined(separator: "; "),
            hint: "An operator must fix the database (`zava doctor` lists the checks); zava serves again once they pass.")
    }
}
