import Foundation
import Testing
import ZavaCore
import ZavaTesting

/// The sample's identities, as `.vscode/mcp.json` sends them.
enum SampleIdentity {
    static let headOffice = "00000000-0000-0000-0000-000000000000"
    static let seattle = "f47ac10b-58cc-4372-a567-0e02b2c3d479"
    static let redmond = "e7f8a9b0-c1d2-3e4f-5678-90abcdef1234"
    static let online = "2f4e6d8c-1a3b-5c7e-9f0a-b2d4f6e8c0a2"
}

/// One cloned, seeded database for the whole MCP suite, and the owner's view of it (the
/// owner bypasses RLS: the reference every RLS answer is checked against).
actor MCPFixture {
    static let shared = MCPFixture()

    private var prepared: Task<TestDatabase, Error>?

    func database() async throws -> TestDatabase {
        if let prepared { return try await prepared.value }
        let task = Task { try await TestEnvironment.shared.database("mcp_endpoint") }
        prepared = task
        return try await task.value
    }

    /// The analyst data layer the servers under test share (a fresh pool per call).
    func analyst(poolSize: Int = 4) async throws -> Database {
        try await database().analyst(poolSize: poolSize)
    }

    /// `SELECT count(*) FROM retail.orders` as the owner, for one store or all.
    func orderCount(storeRLSUserID: String?) async throws -> Int {
        let database = try await database()
        let filter = storeRLSUserID.map { "WHERE store_id = (SELECT store_id FROM retail.stores WHERE rls_user_id = '\($0)')" } ?? ""
        let text = try await database.ownerScalar("SELECT count(*) FROM retail.orders \(filter)")
        return try #require(text.flatMap { Int($0) })
    }
}
