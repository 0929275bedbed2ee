import Foundation
import ZavaCore

/// The authored catalogue and store list in `data/`: what the generator builds on.
public struct Catalog: Sendable {
    public struct Product: Codable, Sendable {
        public var sku: String
        public var name: String
        public var cost: Double
        public var description: String
    }

    public struct ProductType: Codable, Sendable {
        public var name: String
        public var code: String
        public var products: [Product]
    }

    public struct Category: Codable, Sendable {
        public var category: String
        public var code: String
        /// Relative demand January...December (Washington state).
        public var seasonality: [Double]
        public var productTypes: [ProductType]

        enum CodingKeys: String, CodingKey {
            case category, code, seasonality
            case productTypes = "product_types"
        }
    }

    public struct Store: Codable, Sendable {
        public var storeName: String
        public var rlsUserID: UUID
        public var isOnline: Bool
        /// Share of customers and orders.
        public var weight: Double

        enum CodingKeys: String, CodingKey {
            case storeName = "store_name", rlsUserID = "rls_user_id", isOnline = "is_online", weight
        }
    }

    struct StoresFile: Codable { var stores: [Store] }

    struct NamesFile: Codable {
        var firstNames: [String]
        var lastNames: [String]
        var areaCodes: [String: String]

        enum CodingKeys: String, CodingKey {
            case firstNames = "first_names", lastNames = "last_names", areaCodes = "area_codes"
        }
    }

    public var categories: [Category]
    public var stores: [Store]
    var names: NamesFile

    public var productCount: Int { categories.reduce(0) { $0 + $1.productTypes.reduce(0) { $0 + $1.products.count } } }

    /// Reads `data/catalog/*.json` (in file-name order, so ids are stable), `stores.json`, `names.json`.
    public static func load(from dataDirectory: URL) throws -> Catalog {
        let decoder = JSONDecoder()
        let catalogDirectory = dataDirectory.appendingPathComponent("catalog")
        let files = try FileManager.default.contentsOfDirectory(atPath: catalogDirectory.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        let categories = try files.map { file in
            try decoder.decode(Category.self, from: Data(contentsOf: catalogDirectory.appendingPathComponent(file)))
        }
        let stores = try decoder.decode(StoresFile.self, from: Data(contentsOf: dataDirectory.appendingPathComponent("stores.json"))).stores
        let names = try decoder.decode(NamesFile.self, from: Data(contentsOf: dataDirectory.appendingPathComponent("names.json")))
        return Catalog(categories: categories, stores: stores, names: names)
    }
}
