import Testing
import ZavaTesting
@testable import ZavaCore

/// The schema is the public sample's (seed-facts), so its SQL and prompts work unchanged.
@Suite struct SchemaTests {
    static let expected: [String: [String: String]] = [
        "stores": ["store_id": "integer", "store_name": "text", "rls_user_id": "uuid", "is_online": "boolean"],
        "customers": ["customer_id": "integer", "first_name": "text", "last_name": "text", "email": "text", "phone": "text",
                      "primary_store_id": "integer", "created_at": "timestamp without time zone"],
        "categories": ["category_id": "integer", "category_name": "text"],
        "product_types": ["type_id": "integer", "category_id": "integer", "type_name": "text"],
        "products": ["product_id": "integer", "sku": "text", "product_name": "text", "category_id": "integer", "type_id": "integer",
                     "cost": "numeric(10,2)", "base_price": "numeric(10,2)", "gross_margin_percent": "numeric(5,2)",
                     "product_description": "text"],
        "inventory": ["store_id": "integer", "product_id": "integer", "stock_level": "integer"],
        "orders": ["order_id": "integer", "customer_id": "integer", "store_id": "integer", "order_date": "date"],
        "order_items": ["order_item_id": "integer", "order_id": "integer", "store_id": "integer", "product_id": "integer",
                        "quantity": "integer", "unit_price": "numeric(10,2)", "discount_percent": "integer",
                        "discount_amount": "numeric(10,2)", "total_amount": "numeric(10,2)"],
        "product_description_embeddings": ["product_id": "integer", "description_embedding": "vector(384)",
                                           "created_at": "timestamp without time zone"],
        "product_image_embeddings": ["product_id": "integer", "image_url": "text", "image_embedding": "vector(512)",
                                     "created_at": "timestamp without time zone"],
    ]

    @Test func everySampleTableAndColumnExistsWithItsType() async throws {
        let database = try await TestEnvironment.shared.database("schema")
        let analyst = try database.analyst()
        let explorer = SchemaExplorer(session: analyst.session(for: .headOffice))
        for (table, columns) in Self.expected {
            let schema = try await explorer.describe(table)
            let actual = Dictionary(uniqueKeysWithValues: schema.columns.map { ($0.name, $0.type) })
            for (column, type) in columns {
                #expect(actual[column] == type, "retail.\(table).\(column) should be \(type), is \(actual[column] ?? "missing")")
            }
        }
        let orders = try await explorer.describe("retail.order_items")
        #expect(orders.foreignKeys.contains { $0.columns == ["order_id"] && $0.referencedTable == "retail.orders" })
        #expect(orders.rowLevelSecurity)
        await analyst.close()
    }

    @Test func unknownTableListsTheValidOnes() async throws {
        let database = try await TestEnvironment.shared.database("schema_unknown")
        let analyst = try database.analyst()
        let explorer = SchemaExplorer(session: analyst.session(for: .headOffice))
        await #expect(throws: UnknownTableError.self) { try await explorer.describe("pg_authid") }
        do {
            _ = try await explorer.describe("ordres")
        } catch let error as UnknownTableError {
            #expect(error.known.contains("retail.orders"))
        }
        await analyst.close()
    }

    @Test func validValuesFollowTheIdentity() async throws {
        let database = try await TestEnvironment.shared.database("schema_values")
        let analyst = try database.analyst()
        let directory = try await analyst.identities()
        let all = try await SchemaExplorer(session: analyst.session(for: .headOffice)).validValues()
        #expect(all.stores.count == 8)
        #expect(all.categories.count == 9)
        #expect(all.categories.contains("PAINT & FINISHES"))
        #expect(all.orderYears.first == 2020)
        let none = try await SchemaExplorer(session: analyst.session(for: try directory.resolve("seattle"))).validValues()
        #expect(none.orderYears == all.orderYears) // Seattle has orders every year at any scale
        await analyst.close()
    }

    /// The dates an identity has orders for, as its RLS shows them (the banner and :whoami say them).
    @Test func orderDatesFollowTheIdentity() async throws {
        let database = try await TestEnvironment.shared.database("schema_values")
        let analyst = try database.analyst(poolSize: 1)
        let seattle = try await analyst.identities().resolve("seattle")
        let dates = try #require(try await SchemaExplorer(session: analyst.session(for: seattle)).orderDates())
        let expected = try await database.ownerScalar("SELECT min(order_date) || '..' || max(order_date) FROM retail.orders WHERE store_id = \(try #require(seattle.storeID))")
        #expect("\(dates.lowerBound)..\(dates.upperBound)" == expected)
        await analyst.close()
    }
}
