import Foundation
import ZavaPostgres
import ZavaCore

/// What `zava embed` did.
public struct EmbeddingReport: Sendable {
    public var model: String
    public var dimension: Int
    public var embedded: Int
    public var unchanged: Int
    public var rebuilt: Bool
    public var elapsed: Duration
}

public struct EmbeddingProgress: Sendable {
    public var done: Int
    public var total: Int
}

/// Keeps `retail.product_description_embeddings` in step with the products and the
/// configured model: embeds "name. description" in batches, skips products whose text (and
/// model) are unchanged, and rebuilds the vector column and its HNSW index when the model's
/// dimension changes. Runs as the owner (it writes).
struct EmbeddingIndexer {
    let embedder: any Embedder
    let batchSize = 64

    func run(on connection: Connection, progress: @escaping @Sendable (EmbeddingProgress) -> Void) async throws -> EmbeddingReport {
        let clock = ContinuousClock()
        let start = clock.now
        let recorded = try await connection.query(
            "SELECT model_name, dimension::text FROM retail.embedding_models WHERE table_name = 'product_description_embeddings'").rows
        let columnType = try await connection.query("""
            SELECT format_type(atttypid, atttypmod) FROM pg_attribute
            WHERE attrelid = 'retail.product_description_embeddings'::regclass AND attname = 'description_embedding'
            """).rows.first?.first?.text
        let wantedType = "vector(\(embedder.dimension))"
        let rebuild = columnType != wantedType || recorded.first?[0].text != embedder.modelName
        if rebuild {
            try await connection.executeScript("""
                BEGIN;
                DELETE FROM retail.product_description_embeddings;
                DROP INDEX IF EXISTS retail.product_description_embeddings_hnsw;
                ALTER TABLE retail.product_description_embeddings ALTER COLUMN description_embedding TYPE \(wantedType);
                CREATE INDEX product_description_embeddings_hnsw
                    ON retail.product_description_embeddings USING hnsw (description_embedding vector_cosine_ops);
                INSERT INTO retail.embedding_models (table_name, model_name, dimension)
                    VALUES ('product_description_embeddings', '\(embedder.modelName.replacingOccurrences(of: "'", with: "''"))', \(embedder.dimension))
                    ON CONFLICT (table_name) DO UPDATE SET model_name = EXCLUDED.model_name,
                        dimension = EXCLUDED.dimension, updated_at = now();
                COMMIT;
                """)
        }
        let products = try await connection.query("""
            SELECT p.product_id::text, \(EmbeddingSource.textSQL), e.source_hash
            FROM retail.products p LEFT JOIN retail.product_description_embeddings e USING (product_id)
            ORDER BY p.product_id
            """).rows
        let pending = products.compactMap { row -> (id: String, text: String, hash: String)? in
            guard let id = row[0].text, let text = row[1].text else { return nil }
            let hash = EmbeddingSource.hash(model: embedder.modelName, text: text)
            return row[2].text == hash ? nil : (id, text, hash)
        }
        progress(EmbeddingProgress(done: 0, total: pending.count))
        var done = 0
        while done < pending.count {
            let batch = Array(pending[done..<min(done + batchSize, pending.count)])
            let vectors = try await embedder.embed(batch.map(\.text))
            var copy = ""
            for (item, vector) in zip(batch, vectors) {
                copy += "\(item.id)\t[\(vector.map { String($0) }.joined(separator: ","))]\t\(item.hash)\n"
            }
            let payload = Array(copy.utf8)
            let ids = batch.map(\.id).joined(separator: ",")
            try await connection.executeScript("BEGIN; DELETE FROM retail.product_description_embeddings WHERE product_id IN (\(ids));")
            do {
                let sent = SentOnce(payload)
                try await connection.copyIn(
                    "COPY retail.product_description_embeddings (product_id, description_embedding, source_hash) FROM STDIN") {
                    sent.take()
                }
                try await connection.executeScript("COMMIT")
            } catch {
                try? await connection.executeScript("ROLLBACK") // the batch's old vectors stay
                throw error
            }
            done += batch.count
            progress(EmbeddingProgress(done: done, total: pending.count))
        }
        if !pending.isEmpty { try await connection.executeScript("ANALYZE retail.product_description_embeddings") }
        return EmbeddingReport(model: embedder.modelName, dimension: embedder.dimension, embedded: pending.count,
                               unchanged: products.count - pending.count, rebuilt: rebuild, elapsed: clock.now - start)
    }
}

/// Hands one buffer to a COPY, then signals its end.
private final class SentOnce: @unchecked Sendable {
    private var payload: [UInt8]?
    init(_ payload: [UInt8]) { self.payload = payload }
    func take() -> [UInt8]? {
        defer { payload = nil }
        return payload
    }
}
