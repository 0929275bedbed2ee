import Foundation
import Testing
import ZavaTesting
@testable import ZavaCore

/// Every store sees exactly its own rows through the data layer; head office sees all;
/// no identity and unknown identities see none.
@Suite struct RLSTests {
    static let restricted: [(table: String, measure: String)] = [
        ("orders", "count(*) || '/' || coalesce(sum(customer_id), 0)"),
        ("order_items", "count(*) || '/' || coalesce(sum(total_amount), 0)"),
        ("inventory", "count(*) || '/' || coalesce(sum(stock_level), 0)"),
    ]

    @Test func everyStoreSeesExactlyItsOwnRows() async throws {
        let database = try await TestEnvironment.shared.database("rls")
        let analyst = try database.analyst()
        let directory = try await analyst.identities()
        #expect(directory.identities.count == 9)
        for identity in directory.identities where !identity.isHeadOffice {
            let storeID = try #require(identity.storeID)
            let session = analyst.session(for: identity)
            for (table, measure) in Self.restricted {
                let mine = try await session.run("SELECT \(measure) FROM retail.\(table)").rows[0][0].displayText
                let reference = try await database.ownerScalar("SELECT \(measure) FROM retail.\(table) WHERE store_id = \(storeID)")
                #expect(mine == reference, "\(identity.profile) on \(table)")
            }
            let customers = try await session.run("SELECT count(*) || '/' || sum(customer_id) FROM retail.customers").rows[0][0].displayText
            let expected = try await database.ownerScalar("""
                SELECT count(*) || '/' || sum(customer_id) FROM retail.customers c WHERE primary_store_id = \(storeID)
                   OR EXISTS (SELECT 1 FROM retail.orders o WHERE o.customer_id = c.customer_id AND o.store_id = \(storeID))
                """)
            #expect(customers == expected, "\(identity.profile) customers")
        }
        await analyst.close()
    }

    @Test func headOfficeSeesEverything() async throws {
        let database = try await TestEnvironment.shared.database("rls")
        let analyst = try database.analyst()
        let session = analyst.session(for: .headOffice)
        for (table, measure) in Self.restricted + [("customers", "count(*) || '/' || sum(customer_id)")] {
            let all = try await session.run("SELECT \(measure) FROM retail.\(table)").rows[0][0].displayText
            #expect(all == (try await database.ownerScalar("SELECT \(measure) FROM retail.\(table)")), "\(table)")
        }
        await analyst.close()
    }

    @Test func noIdentityAndUnknownIdentitiesSeeNoStoreRows() async throws {
        let database = try await TestEnvironment.shared.database("rls")
        let analyst = try database.analyst()
        let stranger = Identity(profile: "stranger", rlsUserID: UUID(), storeName: "Nowhere", storeID: 999)
        for session in [analyst.anonymous, analyst.session(for: stranger)] {
            for table in ["orders", "order_items", "inventory", "customers"] {
                let count = try await session.run("SELECT count(*) FROM retail.\(table)").rows[0][0]
                #expect(count == .int(0), "\(table) visible to \(session.identity?.profile ?? "no identity")")
            }
            // Reference data stays readable.
            #expect(try await session.run("SELECT count(*) FROM retail.stores").rows[0][0] == .int(8))
        }
        await analyst.close()
    }

    @Test func unknownProfileIsAnErrorNeverHeadOffice() async throws {
        let database = try await TestEnvironment.shared.database("rls")
        let analyst = try database.analyst()
        let directory = try await analyst.identities()
        #expect(throws: UnknownIdentityError.self) { try directory.resolve("atlantis") }
        #expect(throws: UnknownIdentityError.self) { try directory.resolve("") }
        #expect(throws: UnknownIdentityError.self) { try directory.resolve(UUID().uuidString) }
        #expect(try directory.resolve("SEATTLE").storeName == "Zava Retail Seattle")
        #expect(try directory.resolve("Zava Retail Redmond").profile == "redmond")
        #expect(try directory.resolve("f47ac10b-58cc-4372-a567-0e02b2c3d479").profile == "seattle")
        #expect(try directory.resolve("headoffice").isHeadOffice)
        await analyst.close()
    }
}
