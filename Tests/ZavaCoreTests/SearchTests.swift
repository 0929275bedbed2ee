import Foundation
import Testing
import ZavaTesting
@testable import ZavaCore
@testable import ZavaPostgres

@Suite struct SearchTests {
    struct Need: Decodable {
        var need: String
        var expectedType: String
        var category: String
        enum CodingKeys: String, CodingKey { case need, expectedType = "expected_type", category }
    }

    static func needs() throws -> [Need] {
        let directory = try #require(Bundle.module.url(forResource: "Fixtures/relevance", withExtension: nil))
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().flatMap { name in
            try JSONDecoder().decode([Need].self, from: Data(contentsOf: directory.appendingPathComponent(name)))
        }
    }

    static func search(_ mode: SearchRequest.Mode, _ text: String, identity: Identity = .headOffice,
                       database: Database, maxRows: Int = 10, threshold: Double = 0) async throws -> QueryResult {
        let search = ProductSearch(session: database.session(for: identity), embedder: try await TestEnvironment.shared.embedder())
        return try await search.search(SearchRequest(query: text, maxRows: maxRows, similarityThreshold: threshold, mode: mode))
    }

    @Test func hybridRecallBeatsVectorAndTextAlone() async throws {
        let database = try await TestEnvironment.shared.database("search")
        let analyst = try database.analyst()
        let needs = try Self.needs()
        #expect(needs.count >= 30)
        var hits: [SearchRequest.Mode: Int] = [:]
        for need in needs {
            for mode in SearchRequest.Mode.allCases {
                let result = try await Self.search(mode, need.need, database: analyst)
                let types = result.rows.map { $0[4].displayText }
                if types.contains(need.expectedType) { hits[mode, default: 0] += 1 }
            }
        }
        let recall = hits.mapValues { Double($0) / Double(needs.count) }
        print("recall@10 over \(needs.count) needs: vector \(recall[.vector] ?? 0), text \(recall[.text] ?? 0), hybrid \(recall[.hybrid] ?? 0)")
        #expect((recall[.hybrid] ?? 0) >= (recall[.vector] ?? 0))
        #expect((recall[.hybrid] ?? 0) >= (recall[.text] ?? 0))
        #expect((recall[.vector] ?? 0) >= 0.7)
        await analyst.close()
    }

    @Test func similarityFollowsTheSampleSemantics() async throws {
        let database = try await TestEnvironment.shared.database("search")
        let analyst = try database.analyst()
        let result = try await Self.search(.vector, "something to cut copper pipe", database: analyst, maxRows: 20, threshold: 30)
        let similarities = result.rows.compactMap { Double($0[6].displayText) }
        #expect(!similarities.isEmpty)
        #expect(similarities == similarities.sorted(by: >))
        #expect(similarities.allSatisfy { $0 >= 30 && $0 <= 100 })
        #expect(result.columns.map(\.name) == ["product_id", "sku", "product_name", "category_name", "type_name", "base_price", "similarity", "stock_all_stores"])
        await analyst.close()
    }

    @Test func stockIsTheIdentitysOwnUnderRLS() async throws {
        let database = try await TestEnvironment.shared.database("search")
        let analyst = try database.analyst()
        let seattle = try await analyst.identities().resolve("seattle")
        let storeID = try #require(seattle.storeID)
        let mine = try await Self.search(.vector, "cordless drill", identity: seattle, database: analyst, maxRows: 3)
        #expect(mine.columns[7].name == "stock")
        for row in mine.rows {
            let expected = try await database.ownerScalar(
                "SELECT stock_level FROM retail.inventory WHERE store_id = \(storeID) AND product_id = \(row[0].displayText)")
            #expect(row[7].displayText == expected)
        }
        let all = try await Self.search(.vector, "cordless drill", database: analyst, maxRows: 3)
        #expect(all.columns[7].name == "stock_all_stores", "head office's stock is every store's, and says so")
        let total = try await database.ownerScalar(
            "SELECT sum(stock_level) FROM retail.inventory WHERE product_id = \(all.rows[0][0].displayText)")
        #expect(all.rows[0][7].displayText == total)
        await analyst.close()
    }

    @Test func hnswAgreesWithAnExactScan() async throws {
        let database = try await TestEnvironment.shared.database("search")
        let analyst = try database.analyst()
        let embedder = try await TestEnvironment.shared.embedder()
        let names = try await database.owner().session(for: .headOffice).run(
            "SELECT product_name FROM retail.products ORDER BY md5(product_id::text) LIMIT 200").rows.map(\.[0].displayText)
        let vectors = try await embedder.embed(names.map { "a " + $0.split(separator: " ").prefix(3).joined(separator: " ") })
        let session = analyst.session(for: try await analyst.identities().resolve("kirkland"))
        var found = 0, total = 0
        for (index, vector) in vectors.enumerated() {
            let literal = "[" + vector.map { String($0) }.joined(separator: ",") + "]"
            let inStock = index.isMultiple(of: 2) ? "AND EXISTS (SELECT 1 FROM retail.inventory i WHERE i.product_id = e.product_id AND i.stock_level > 0)" : ""
            let sql = "SELECT e.product_id FROM retail.product_description_embeddings e WHERE true \(inStock) ORDER BY e.description_embedding <=> $1::vector LIMIT 10"
            let approximate = try await session.run(sql, parameters: [literal], settings: ["hnsw.iterative_scan": "relaxed_order", "hnsw.ef_search": "100"])
            let exact = try await session.run(sql, parameters: [literal], settings: ["enable_indexscan": "off", "enable_bitmapscan": "off"])
            let approximateIDs = Set(approximate.rows.map { $0[0] })
            found += exact.rows.filter { approximateIDs.contains($0[0]) }.count
            total += exact.rows.count
        }
        let recall = Double(found) / Double(total)
        print("HNSW recall@10 against an exact scan over 200 queries (half filtered by store stock): \(recall)")
        #expect(recall >= 0.98)
        await analyst.close()
    }

    @Test func badRequestsGetClearErrors() async throws {
        #expect(throws: SearchError.self) { try SearchRequest(query: "").validated() }
        #expect(throws: SearchError.self) { try SearchRequest(query: "   \n\t").validated() }
        #expect(throws: SearchError.self) { try SearchRequest(query: String(repeating: "a", count: 10_001)).validated() }
        #expect(throws: SearchError.self) { try SearchRequest(query: "saw", similarityThreshold: 101).validated() }
        #expect(throws: SearchError.self) { try SearchRequest(query: "saw", similarityThreshold: -1).validated() }
        #expect(throws: SearchError.self) { try SearchRequest(query: "saw", maxRows: 0).validated() }
        #expect(throws: SearchError.self) { try SearchRequest(query: "saw", maxRows: -5).validated() }
        #expect(try SearchRequest(query: "saw", maxRows: 5000).validated().maxRows == 100)
        let database = try await TestEnvironment.shared.database("search")
        let analyst = try database.analyst()
        let long = String(repeating: "hammer nails wood ", count: 555)
        let result = try await Self.search(.hybrid, long, database: analyst)
        #expect(!result.rows.isEmpty)
        await analyst.close()
    }

    @Test func filteredSearchStillFillsThePage() async throws {
        let database = try await TestEnvironment.shared.database("search")
        let analyst = try database.analyst()
        let search = ProductSearch(session: analyst.session(for: try await analyst.identities().resolve("everett")),
                                   embedder: try await TestEnvironment.shared.embedder())
        let result = try await search.search(SearchRequest(query: "tools for the garden", maxRows: 15, similarityThreshold: 0,
                                                           category: "plumbing", inStockOnly: true))
        #expect(result.rows.count == 15)
        #expect(result.rows.allSatisfy { $0[3] == .text("PLUMBING") && ($0[7].displayText as String) != "0" })
        await analyst.close()
    }

    @Test func textAndHybridResultsShowTheScoreTheyAreOrderedBy() async throws {
        let database = try await TestEnvironment.shared.database("search")
        let analyst = try database.analyst()
        let seattle = try await analyst.identities().resolve("seattle")
        for mode in [SearchRequest.Mode.hybrid, .text] {
            let result = try await Self.search(mode, "cordless drill with battery", identity: seattle, database: analyst, maxRows: 20)
            #expect(result.columns.map(\.name) == ["product_id", "sku", "product_name", "category_name", "type_name", "base_price",
                                                   "similarity", "score", "stock"], "\(mode)")
            let scores = result.rows.compactMap { Double($0[7].displayText) }
            #expect(scores.count == result.rows.count && scores.count > 5, "\(mode): \(scores)")
            #expect(scores == scores.sorted(by: >), "\(mode): rows in score order")
            #expect(scores.allSatisfy { $0 > 0 })
        }
        // The fused score: a product first in both rankings has 1/61 + 0.5/61.
        let hybrid = try await Self.search(.hybrid, "cordless drill with battery", identity: seattle, database: analyst)
        #expect(hybrid.rows.compactMap { Double($0[7].displayText) }.allSatisfy { $0 <= 0.02459 })
        await analyst.close()
    }

    @Test func anUnknownCategoryIsAnErrorListingTheCategories() async throws {
        let database = try await TestEnvironment.shared.database("search")
        let analyst = try database.analyst()
        let search = ProductSearch(session: analyst.session(for: try await analyst.identities().resolve("tacoma")),
                                   embedder: try await TestEnvironment.shared.embedder())
        let owner = try database.owner()
        let names = try await owner.session(for: .headOffice).run(
            "SELECT category_name FROM retail.categories ORDER BY 1").rows.map(\.[0].displayText)
        await owner.close()
        #expect(names.count == 9)
        let error = await #expect(throws: SearchError.self) {
            try await search.search(SearchRequest(query: "cordless drill", category: "POWER TOOL"))
        }
        #expect(error?.description == "no category \"POWER TOOL\"; the categories are: " + names.joined(separator: ", "))
        // Any case of a real name still matches.
        let found = try await search.search(SearchRequest(query: "cordless drill", maxRows: 5, similarityThreshold: 0, category: "Power Tools"))
        #expect(found.rows.count == 5 && found.rows.allSatisfy { $0[3] == .text("POWER TOOLS") })
        await analyst.close()
    }
}
