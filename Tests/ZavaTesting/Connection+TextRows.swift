@testable import ZavaPostgres

extension Connection {
    /// A trusted statement's rows as text (nil for NULL): what a test compares against literals.
    package func textRows(_ sql: String, _ parameters: [String?] = []) async throws -> [[String?]] {
        try await query(sql, parameters).rows.map { $0.map(\.text) }
    }
}
