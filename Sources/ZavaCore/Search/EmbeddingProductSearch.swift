import ZavaPostgres

/// `ProductSearch` with the process's embedder, made on the first search (loading a model
/// takes a moment, and a process that never searches never loads it).
public struct EmbeddingProductSearch: ProductSearching {
    private let embedder: @Sendable () throws -> any Embedder

    public init(embedder: @escaping @Sendable () throws -> any Embedder) { self.embedder = embedder }

    public func searchProducts(session: Session, request: SearchRequest) async throws -> QueryResult {
        try await ProductSearch(session: session, embedder: try embedder()).search(request)
    }
}
