import Foundation
import NIOConcurrencyHelpers
import ZavaPostgres

/// The data layer every front end shares: one pool of analyst connections and the identities.
public final class Database: Sendable {
    /// Inside the package only (the endpoint reads its statistics): nothing outside zava runs a
    /// statement around the RLS protocol.
    package let executor: any StatementExecutor
    public let defaultLimits: QueryLimits
    /// Closed while the security checks fail (see `SecurityWatch`).
    public let gate = SecurityGate()
    /// Read once: the REPL and the MCP endpoint of one process share it.
    private let directory = NIOLockedValueBox<IdentityDirectory?>(nil)
    /// Asks the server on a connection of its own; nil for an executor that is not a server.
    private let probe: HealthProbe?

    /// Where the statements of audited sessions are recorded (`ZAVA_AUDIT_LOG`), if anywhere.
    public let auditLog: AuditLog?
    /// The shapes of statements recorded or traced, shared by every session.
    let shapes = StatementShapes()

    public init(conninfo: String, poolSize: Int, perIdentityConnections: Int? = nil, acquireTimeout: Duration = .seconds(10),
                limits: QueryLimits, auditLog: AuditLog? = nil) {
        executor = ConnectionPool(conninfo: conninfo, size: poolSize, perKeyLimit: perIdentityConnections, acquireTimeout: acquireTimeout)
        probe = HealthProbe(conninfo: conninfo)
        defaultLimits = limits
        self.auditLog = auditLog
    }

    /// The same rules over any statement executor (a test's fake that records what it is sent).
    package init(executor: any StatementExecutor, limits: QueryLimits, auditLog: AuditLog? = nil) {
        self.executor = executor
        probe = nil
        defaultLimits = limits
        self.auditLog = auditLog
    }

    /// A session for one identity. There is deliberately no way to get one without an identity
    /// outside ZavaCore: no identity means no store rows, never head office.
    public func session(for identity: Identity, limits: QueryLimits? = nil) -> Session {
        Session(identity: identity, executor: executor, gate: gate, limits: limits ?? defaultLimits, auditLog: auditLog,
                shapes: shapes)
    }

    /// Catalogue reads with no identity: RLS shows them no store-owned rows. Not cut by the
    /// front end's row cap (`--max-rows 3` must not drop stores from the identities or facts
    /// from the doctor's security checks, where a fact never read would pass).
    var anonymous: Session {
        Session(identity: nil, executor: executor, gate: gate,
                limits: QueryLimits(rowCap: .max, statementTimeout: defaultLimits.statementTimeout), shapes: shapes)
    }

    /// Every identity, read from `retail.stores` on first use (stores do not change while zava runs).
    public func identities() async throws -> IdentityDirectory {
        if let known = directory.withLockedValue({ $0 }) { return known }
        let result = try await anonymous.run("SELECT store_id, store_name, rls_user_id FROM retail.stores ORDER BY store_id")
        let stores = result.rows.compactMap { row -> (id: Int, name: String, rlsUserID: UUID)? in
            guard case .int(let id) = row[0], case .text(let name) = row[1], case .uuid(let text) = row[2],
                  let uuid = UUID(uuidString: text) else { return nil }
            return (Int(id), name, uuid)
        }
        let loaded = IdentityDirectory(stores: stores)
        directory.withLockedValue { $0 = loaded }
        return loaded
    }

    /// The connected database's name (the REPL's prompt); read with no identity.
    public func name() async throws -> String {
        try await anonymous.run("SELECT current_database()").rows.first?.first?.displayText ?? ""
    }

    /// Tables and columns for completion; read with no identity (names only, no store rows).
    public func catalogue() async throws -> [CatalogueTable] {
        try await SchemaExplorer(session: anonymous).catalogue()
    }

    /// Succeeds when the database answers a trivial query.
    public func ping() async throws {
        _ = try await anonymous.run("SELECT 1")
    }

    /// Whether the database answers, asked on a connection of its own: a pool that every
    /// request keeps busy is `busy`, not down.
    public func health(within limit: Duration = .seconds(3)) async -> DatabaseHealth {
        if let problem = await probe?.problem(within: limit) { return .down(problem) }
        let statistics = await executor.statistics
        return statistics.inUse >= statistics.size ? .busy(statistics) : .up(statistics)
    }

    public func close() async {
        await executor.close()
        await probe?.close()
    }
}
