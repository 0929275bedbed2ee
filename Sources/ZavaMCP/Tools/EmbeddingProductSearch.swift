import ZavaCore
import ZavaPostgres

/// `semantic_search_products` on ZavaCore's `ProductSearch` with the process's embedder.
public struct EmbeddingProductSearch: ProductSearching {
    private let embedder: @Sendable () throws -> any Embedder

    public init(embedder: @escaping @Sendable () throws -> any Embedder) { self.embedder = embedder }

    public func searchProducts(session: Session, request: SearchRequest) async throws -> QueryResult {
        try await ProductSearch(session: session, embedder: try embedder()).search(request)
    }
}
