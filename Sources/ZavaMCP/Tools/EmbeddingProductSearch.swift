import ZavaCore
import ZavaPostgres

/// `semantic_search_products` on ZavaCore's `ProductSearch` with the process's embedder.
public struct EmbeddingProductSearch: ProductSearching {
    private let embedder: @Sendable () throws -> any Embedder

    public init(embedder: @escaping @Sendable () throws -> any Embedder) { self.embedder = embedder }

    public func searchProducts(session: Session, query: String, maxRows: Int, similarityThreshold: Double,
                               category: String?) async throws -> QueryResult {
        let search = ProductSearch(session: session, embedder: try embedder())
        return try await search.search(SearchRequest(query: query, maxRows: maxRows, similarityThreshold: similarityThreshold,
                                                     category: category))
    }
}
