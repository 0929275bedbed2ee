import Foundation
import Testing
@testable import MiniLM

@Suite struct EmbeddingTests {
    /// The similarities published on the sentence-transformers/all-MiniLM-L6-v2 model card.
    @Test(arguments: [
        ("The new movie is awesome", "The new movie is so great", 0.8939),
        ("The cat sits outside", "The cat plays in the garden", 0.6788),
        ("I love pasta", "Do you like pizza?", 0.5096),
    ])
    func publishedCosineSimilarities(first: String, second: String, expected: Double) async throws {
        let embedder = try TestSupport.makeEmbedder()
        let vectors = try await embedder.embed([first, second])
        #expect(vectors.count == 2)
        #expect(vectors.allSatisfy { $0.count == 384 })
        let cosine = TestSupport.cosine(vectors[0], vectors[1])
        #expect((cosine * 10_000).rounded() / 10_000 == expected, "cosine \(cosine)")
    }

    @Test func vectorsAreUnitLength() async throws {
        let embedder = try TestSupport.makeEmbedder()
        for vector in try await embedder.embed(["cordless drill", "garden hose 50 ft"]) {
            let norm = vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
    }

    /// Packing several sequences into one batch must not change any vector.
    @Test func batchEqualsSingle() async throws {
        let embedder = try TestSupport.makeEmbedder(maxBatchSize: 4)
        let texts = [
            "Heavy-duty 20V cordless hammer drill with two batteries",
            "paint roller",
            "The cat plays in the garden",
            "",
            "1/2-in. drive (72-tooth) ratchet!!",
            String(repeating: "stainless steel screws ", count: 60),
            "東京で電動ドリルを買う",
        ]
        let batched = try await embedder.embed(texts)
        #expect(batched.count == texts.count)
        for (text, vector) in zip(texts, batched) {
            let single = try await embedder.embed([text])
            let difference = zip(single[0], vector).map { abs($0 - $1) }.max() ?? .infinity
            #expect(difference < 1e-5, "text: \(text.prefix(40)) max difference \(difference)")
        }
    }

    @Test func emptyAndVeryLongInputs() async throws {
        let embedder = try TestSupport.makeEmbedder()
        let long = String((0..<10_000).map { index in
            Array("abcdefghij klmnopqrst uvwxyz, 0123456789. ")[index % 42]
        })
        #expect(long.count == 10_000)
        let vectors = try await embedder.embed(["", long, "   "])
        #expect(vectors.count == 3)
        for vector in vectors {
            #expect(vector.count == 384)
            #expect(vector.allSatisfy { $0.isFinite })
        }
        #expect(embedder.tokenizer.encode(long).count == 128)
        #expect(try await embedder.embed([]).isEmpty)
    }

    @Test func metadata() throws {
        let embedder = try TestSupport.makeEmbedder()
        #expect(embedder.modelName == "all-MiniLM-L6-v2")
        #expect(embedder.dimension == 384)
        let kernel = BLAS.configuration
        #expect(kernel.selfCheckError < 1e-4)
        #expect(!kernel.kernel.isEmpty)
    }
}
