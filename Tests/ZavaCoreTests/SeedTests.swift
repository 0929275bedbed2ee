import Foundation
import Testing
import ZavaTesting
@testable import ZavaCore
@testable import ZavaProvisioning

@Suite struct SeedTests {
    static let checksumSQL = """
        SELECT (SELECT count(*) FROM retail.orders) || '/' || (SELECT count(*) FROM retail.order_items) || '/' ||
               (SELECT count(*) FROM retail.customers) || '/' || (SELECT count(*) FROM retail.inventory) || '/' ||
               (SELECT md5(string_agg(o::text, ',' ORDER BY order_id)) FROM retail.orders o) || '/' ||
               (SELECT md5(string_agg(i::text, ',' ORDER BY order_item_id)) FROM retail.order_items i) || '/' ||
               (SELECT md5(string_agg(c::text, ',' ORDER BY customer_id)) FROM (SELECT customer_id, first_name, last_name,
                        email, phone, primary_store_id, created_at FROM retail.customers) c)
        """

    @Test func seedingTwiceAtTheSameScaleGivesIdenticalRows() async throws {
        let first = try await TestEnvironment.shared.database("seed_a")
        let second = try await TestEnvironment.shared.database("seed_b")
        let environment = TestEnvironment.shared
        let provisioner = Provisioner(settings: environment.configuration, files: environment.files, database: second.name)
        try await provisioner.seed(scale: TestEnvironment.seedScale)
        let a = try await first.ownerScalar(Self.checksumSQL)
        let b = try await second.ownerScalar(Self.checksumSQL)
        #expect(a != nil)
        #expect(a == b)
        // A different scale is a different dataset.
        try await provisioner.seed(scale: 0.03)
        #expect(try await second.ownerScalar(Self.checksumSQL) != a)
    }

    @Test func datasetHasTheSampleShape() async throws {
        let database = try await TestEnvironment.shared.database("seed_shape")
        #expect(try await database.ownerScalar("SELECT count(*) FROM retail.stores") == "8")
        #expect(try await database.ownerScalar("SELECT count(*) FROM retail.categories") == "9")
        let products = Int(try await database.ownerScalar("SELECT count(*) FROM retail.products") ?? "") ?? 0
        #expect((400...450).contains(products))
        #expect(try await database.ownerScalar("SELECT count(*) FROM retail.inventory") == String(products * 8))
        // 1-5 items per order with weights 40/30/15/10/5: mean 2.1.
        let ratio = Double(try await database.ownerScalar(
            "SELECT count(*)::float / (SELECT count(*) FROM retail.orders) FROM retail.order_items") ?? "") ?? 0
        #expect(abs(ratio - 2.1) < 0.1)
        // 33% margin: base_price = cost / 0.67.
        #expect(try await database.ownerScalar("SELECT count(*) FROM retail.products WHERE abs(base_price - cost / 0.67) > 0.01") == "0")
        #expect(try await database.ownerScalar(
            "SELECT count(*) FROM retail.order_items WHERE total_amount <> unit_price * quantity - discount_amount") == "0")
        #expect(try await database.ownerScalar("SELECT count(*) FROM retail.categories WHERE category_name <> upper(category_name)") == "0")
    }

    @Test func badScaleIsRefused() async throws {
        let database = try await TestEnvironment.shared.database("seed_bad")
        let environment = TestEnvironment.shared
        let provisioner = Provisioner(settings: environment.configuration, files: environment.files, database: database.name)
        await #expect(throws: SeedScaleError.self) { try await provisioner.seed(scale: 0) }
        await #expect(throws: SeedScaleError.self) { try await provisioner.seed(scale: -1) }
    }
}
