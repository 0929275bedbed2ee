import Foundation
import ZavaPostgres

/// A product search as people and agents ask for it.
public struct SearchRequest: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Embedding similarity only (the sample's semantic_search_products).
        case vector
        /// Full-text ranking fused with the vector ranking (reciprocal rank fusion): exact
        /// words, SKUs and model numbers that embeddings miss still come first.
        case hybrid
        /// PostgreSQL full-text search only.
        case text
    }

    public var query: String
    public var maxRows: Int
    /// Minimum similarity percent, (1 - cosine distance) x 100, for vector hits.
    public var similarityThreshold: Double
    public var mode: Mode
    public var category: String?
    public var inStockOnly: Bool
    public var minPrice: Double?
    public var maxPrice: Double?

    /// The sample's cap on `max_rows`, and its defaults: the one place each lives (the REPL,
    /// `zava search` and the MCP tool's schema read them here).
    public static let rowCap = 100
    public static let defaultMaxRows = 20
    public static let defaultSimilarityThreshold = 30.0
    public static let maxQueryLength = 10_000

    public init(query: String, maxRows: Int = SearchRequest.defaultMaxRows,
                similarityThreshold: Double = SearchRequest.defaultSimilarityThreshold, mode: Mode = .vector,
                category: String? = nil, inStockOnly: Bool = false, minPrice: Double? = nil, maxPrice: Double? = nil) {
        self.query = query
        self.maxRows = maxRows
        self.similarityThreshold = similarityThreshold
        self.mode = mode
        self.category = category
        self.inStockOnly = inStockOnly
        self.minPrice = minPrice
        self.maxPrice = maxPrice
    }

    /// Refuses what cannot be meant; clamps `maxRows` above the cap (documented).
    public func validated() throws -> SearchRequest {
        var request = self
        request.query = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !request.query.isEmpty else { throw SearchError("the search text is empty") }
        guard request.query.count <= Self.maxQueryLength else {
            throw SearchError("the search text is \(request.query.count) characters long; at most \(Self.maxQueryLength) are accepted")
        }
        guard maxRows > 0 else { throw SearchError("max_rows must be at least 1 (got \(maxRows))") }
        request.maxRows = min(maxRows, Self.rowCap)
        guard similarityThreshold.isFinite, (0...100).contains(similarityThreshold) else {
            throw SearchError("similarity_threshold is a percentage from 0 to 100 (got \(similarityThreshold))")
        }
        if let minPrice, let maxPrice, minPrice > maxPrice {
            throw SearchError("the minimum price \(minPrice) is above the maximum \(maxPrice)")
        }
        return request
    }
}

public struct SearchError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Finds products by meaning (and, in hybrid mode, by words) through the caller's session:
/// the stock column is the identity's own store's stock under RLS, exactly as a raw query would
/// see it. Head office sees every store's, so there it is named `stock_all_stores`.
///
/// Columns: product_id, sku, product_name, category_name, type_name, base_price, similarity
/// (percent, NULL in text mode), then in text and hybrid modes `score` (the ranking the rows are
/// in: text rank, or the fused rank), then the stock column. Vector mode is in similarity order.
public struct ProductSearch: Sendable {
    public let session: Session
    public let embedder: any Embedder

    public init(session: Session, embedder: any Embedder) {
        self.session = session
        self.embedder = embedder
    }

    public func search(_ request: SearchRequest) async throws -> QueryResult {
        let request = try request.validated()
        if let category = request.category { try await checkCategory(category) }
        let vector = request.mode == .text ? nil : try await embedder.embed([request.query]).first
        let parameters: [String?] = [
            vector.map { "[" + $0.map { String($0) }.joined(separator: ",") + "]" },
            String(request.similarityThreshold), String(request.maxRows), request.query,
            request.category, request.minPrice.map { String($0) }, request.maxPrice.map { String($0) },
        ]
        // Iterative index scans keep a filtered search returning a full page.
        let settings = ["hnsw.iterative_scan": "relaxed_order", "hnsw.ef_search": "100"]
        let stock = session.identity?.isHeadOffice == true ? "stock_all_stores" : "stock"
        return try await session.run(Self.sql(for: request, stockColumn: stock), parameters: parameters, settings: settings)
    }

    /// An unknown category would only filter every product out: say so, with the valid names
    /// as this session sees them. Matched as the filter matches, by `upper()`.
    private func checkCategory(_ category: String) async throws {
        let rows = try await session.run(
            "SELECT category_name, category_name = upper($1) FROM retail.categories ORDER BY category_name",
            parameters: [category]).rows
        guard !rows.contains(where: { $0[1] == .bool(true) }) else { return }
        let names = rows.map { $0[0].displayText }
        throw SearchError("no category \"\(category)\"; the categories are: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
    }

    /// Filters shared by every mode; `p` is retail.products. $5 category, $6/$7 price range.
    private static func filters(_ request: SearchRequest) -> String {
        var clauses = ["($5::text IS NULL OR p.category_id = (SELECT category_id FROM retail.categories WHERE category_name = upper($5)))",
                       "($6::numeric IS NULL OR p.base_price >= $6::numeric)",
                       "($7::numeric IS NULL OR p.base_price <= $7::numeric)"]
        if request.inStockOnly {
            clauses.append("EXISTS (SELECT 1 FROM retail.inventory i WHERE i.product_id = p.product_id AND i.stock_level > 0)")
        }
        return clauses.joined(separator: " AND ")
    }

    private static let textDocument = """
        to_tsvector('english', coalesce(p.sku, '') || ' ' || coalesce(p.product_name, '') || ' ' || p.product_description)
        """
    /// Any of the words, ranked by how many match and how close: natural sentences rarely
    /// contain every word of a product text.
    private static let textQuery = "to_tsquery('english', replace(plainto_tsquery('english', $4)::text, ' & ', ' | '))"

    /// The columns every mode returns; `score` is the ranking expression of text and hybrid modes.
    private static func output(similarity: String, score: String?, stock: String) -> String {
        """
        SELECT p.product_id, p.sku, p.product_name, c.category_name, t.type_name, p.base_price,
               \(similarity) AS similarity,\(score.map { " \($0) AS score," } ?? "")
               (SELECT sum(i.stock_level) FROM retail.inventory i WHERE i.product_id = p.product_id)::int AS \(stock)
        """
    }

    private static let similarity = "round(((1 - (e.description_embedding <=> $1::vector)) * 100)::numeric, 1)"

    private static let joins = """
        JOIN retail.products p ON p.product_id = hits.product_id
        JOIN retail.categories c ON c.category_id = p.category_id
        JOIN retail.product_types t ON t.type_id = p.type_id
        LEFT JOIN retail.product_description_embeddings e ON e.product_id = p.product_id
        """

    static func sql(for request: SearchRequest, stockColumn: String) -> String {
        let filters = filters(request)
        let vectorHits = """
            SELECT e.product_id, e.description_embedding <=> $1::vector AS distance
            FROM retail.product_description_embeddings e JOIN retail.products p ON p.product_id = e.product_id
            WHERE \(filters) AND $4::text IS NOT NULL
            ORDER BY e.description_embedding <=> $1::vector
            """
        let textHits = """
            SELECT p.product_id, ts_rank_cd(\(textDocument), \(textQuery)) AS score
            FROM retail.products p
            WHERE (\(textDocument) @@ \(textQuery) OR p.sku = upper($4)) AND \(filters)
            ORDER BY (p.sku = upper($4)) DESC, score DESC
            """
        switch request.mode {
        case .vector:
            return """
                \(output(similarity: similarity, score: nil, stock: stockColumn))
                FROM (\(vectorHits) LIMIT $3::int) hits
                \(joins)
                WHERE (1 - hits.distance) * 100 >= $2::float8
                ORDER BY hits.distance
                """
        case .text:
            return """
                \(output(similarity: "NULL::numeric", score: "round(hits.score::numeric, 4)", stock: stockColumn))
                FROM (\(textHits) LIMIT $3::int) hits
                \(joins)
                WHERE $1::text IS NULL AND $2::float8 IS NOT NULL
                ORDER BY hits.score DESC, p.product_id
                """
        case .hybrid:
            // Reciprocal rank fusion (k = 60) of the two rankings, the text leg at half weight
            // (measured on the relevance set: equal weights let loose word matches push out
            // good semantic hits). The threshold filters the vector leg only, so an exact word
            // or SKU match is never lost to it.
            return """
                WITH vector_hits AS (
                    SELECT product_id, row_number() OVER (ORDER BY distance) AS rank
                    FROM (\(vectorHits) LIMIT 50) v WHERE (1 - distance) * 100 >= $2::float8),
                text_hits AS (
                    SELECT product_id, row_number() OVER (ORDER BY ordinal) AS rank
                    FROM (SELECT product_id, row_number() OVER () AS ordinal FROM (\(textHits) LIMIT 50) ranked) t),
                hits AS (
                    SELECT coalesce(v.product_id, t.product_id) AS product_id,
                           coalesce(1.0 / (60 + v.rank), 0) + 0.5 * coalesce(1.0 / (60 + t.rank), 0) AS score
                    FROM vector_hits v FULL JOIN text_hits t ON t.product_id = v.product_id)
                \(output(similarity: similarity, score: "round(hits.score, 5)", stock: stockColumn))
                FROM hits
                \(joins)
                ORDER BY hits.score DESC, p.product_id
                LIMIT $3::int
                """
        }
    }
}
