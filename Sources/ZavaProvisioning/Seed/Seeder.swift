import Foundation
import ZavaPostgres
import ZavaCore

/// Where a seed run is: which table, how far.
public struct SeedProgress: Sendable {
    public var table: String
    public var rowsDone: Int
    public var rowsTotal: Int
}

public struct SeedReport: Sendable {
    public var rows: [String: Int]
    public var elapsed: Duration
}

/// Loads the generated dataset with COPY in one transaction (all or nothing).
struct Seeder {
    let catalog: Catalog
    let scale: Double

    func load(into connection: Connection, progress: @escaping @Sendable (SeedProgress) -> Void) async throws -> SeedReport {
        guard scale > 0, scale <= 100 else { throw SeedScaleError(scale: scale) }
        let clock = ContinuousClock()
        let start = clock.now
        let tables = RetailGenerator(catalog: catalog, scale: scale).generate()
        try await connection.executeScript("""
            BEGIN;
            SET LOCAL synchronous_commit = off;
            TRUNCATE retail.order_items, retail.orders, retail.inventory, retail.customers,
                     retail.product_description_embeddings, retail.product_image_embeddings,
                     retail.products, retail.product_types, retail.categories, retail.stores
                     RESTART IDENTITY;
            """)
        do {
            for table in tables {
                let chunks = ChunkedCopy(table: table, progress: progress)
                try await connection.copyIn("COPY retail.\(table.name) (\(table.columns.joined(separator: ", "))) FROM STDIN") {
                    chunks.next()
                }
            }
            let sequences = [("stores", "store_id"), ("categories", "category_id"), ("product_types", "type_id"),
                             ("products", "product_id"), ("customers", "customer_id"), ("orders", "order_id"),
                             ("order_items", "order_item_id")]
            try await connection.executeScript(sequences.map { table, column in
                "SELECT setval(pg_get_serial_sequence('retail.\(table)', '\(column)'), (SELECT coalesce(max(\(column)), 0) + 1 FROM retail.\(table)), false);"
            }.joined(separator: "\n") + "\nCOMMIT;")
        } catch {
            try? await connection.executeScript("ROLLBACK")
            throw error
        }
        try await connection.executeScript("ANALYZE retail.stores, retail.categories, retail.product_types, retail.products, retail.customers, retail.inventory, retail.orders, retail.order_items")
        return SeedReport(rows: Dictionary(uniqueKeysWithValues: tables.map { ($0.name, $0.rows) }), elapsed: clock.now - start)
    }
}

/// Hands a table's COPY text out in chunks of whole rows, reporting progress as it goes.
private final class ChunkedCopy: @unchecked Sendable {
    private let table: RetailGenerator.Table
    private let progress: @Sendable (SeedProgress) -> Void
    private var offset = 0
    private var rowsSent = 0
    private static let chunkSize = 1 << 20

    init(table: RetailGenerator.Table, progress: @escaping @Sendable (SeedProgress) -> Void) {
        self.table = table
        self.progress = progress
        progress(SeedProgress(table: table.name, rowsDone: 0, rowsTotal: table.rows))
    }

    func next() -> [UInt8]? {
        guard offset < table.data.count else { return nil }
        var end = min(offset + Self.chunkSize, table.data.count)
        while end < table.data.count, table.data[end - 1] != 10 { end += 1 }
        let chunk = Array(table.data[offset..<end])
        rowsSent += chunk.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        offset = end
        progress(SeedProgress(table: table.name, rowsDone: rowsSent, rowsTotal: table.rows))
        return chunk
    }
}

public struct SeedScaleError: Error, CustomStringConvertible {
    public var scale: Double
    public var description: String { "seed scale must be greater than 0 and at most 100 (got \(scale))" }
}
