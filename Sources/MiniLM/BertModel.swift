/// The BERT encoder forward pass (embeddings, N post-norm transformer layers) followed by
/// mean pooling and L2 normalisation, i.e. what sentence-transformers computes for
/// all-MiniLM-L6-v2.
///
/// Batches are *packed*: the tokens of all sequences are stacked back to back as rows of one
/// [totalTokens, hidden] matrix, and attention runs per sequence over that sequence's own keys
/// only. This is exactly what padding + an attention mask computes in the reference (masked
/// keys get zero weight, padded rows are ignored by pooling) without spending any matrix
/// multiply on padding; all dense layers still run as one large sgemm per batch.
///
/// Not thread-confined: the weights are immutable, and each `embed` call allocates its own
/// scratch buffers, so concurrent calls are safe (MiniLMEmbedder serialises them anyway so
/// that BLAS threads are not oversubscribed).
final class BertModel: Sendable {
    let configuration: BertConfiguration
    private let weights: BertWeights
    private let parallel: ParallelRows
    /// Rows per worker below which element-wise kernels stay single-threaded.
    private static let minimumRowsPerWorker = 32

    init(configuration: BertConfiguration, weights: BertWeights, parallel: ParallelRows = ParallelRows()) {
        self.configuration = configuration
        self.weights = weights
        self.parallel = parallel
    }

    /// Per-batch working memory, allocated once per call (never inside the layer loop).
    private struct Scratch: Sendable {
        let hidden: FloatBuffer        // [T, H] running hidden state
        let qkv: FloatBuffer           // [T, 3H]
        let context: FloatBuffer       // [T, H] attention output before projection
        let projection: FloatBuffer    // [T, H] sublayer output before residual + LayerNorm
        let intermediate: FloatBuffer  // [T, I]
        let scores: FloatBuffer        // [workers, maxLength, maxLength] one head's attention matrix per worker
        /// Floats per worker in `scores`. Rows are padded to the vector width (see `attend`).
        let scoresStride: Int

        init(tokens: Int, maxLength: Int, workers: Int, configuration c: BertConfiguration) {
            hidden = FloatBuffer(count: tokens * c.hiddenSize)
            qkv = FloatBuffer(count: tokens * 3 * c.hiddenSize)
            context = FloatBuffer(count: tokens * c.hiddenSize)
            projection = FloatBuffer(count: tokens * c.hiddenSize)
            intermediate = FloatBuffer(count: tokens * c.intermediateSize)
            let width = VectorKernels.width
            scoresStride = maxLength * ((maxLength + width - 1) / width * width)
            scores = FloatBuffer(count: workers * scoresStride)
        }
    }

    /// Embeds token id sequences (each already `[CLS] … [SEP]` and at most `maxPositions`
    /// long; ids must be < vocabularySize) into L2-normalised mean-pooled vectors.
    func embed(_ sequences: [[Int32]]) -> [[Float]] {
        guard !sequences.isEmpty else { return [] }
        let c = configuration
        let h = c.hiddenSize
        var offsets: [Int] = []
        offsets.reserveCapacity(sequences.count)
        var tokens = 0
        var maxLength = 0
        for sequence in sequences {
            offsets.append(tokens)
            tokens += sequence.count
            maxLength = max(maxLength, sequence.count)
        }
        guard tokens > 0 else { return sequences.map { _ in [Float](repeating: 0, count: h) } }
        let scratch = Scratch(tokens: tokens, maxLength: maxLength, workers: parallel.workers, configuration: c)

        writeEmbeddings(sequences, into: scratch.hidden)
        for layer in weights.layers {
            runLayer(layer, scratch: scratch, tokens: tokens, offsets: offsets, sequences: sequences)
        }
        return zip(offsets, sequences).map { offset, sequence in
            Pooling.meanNormalized(scratch.hidden.pointer + offset * h, rows: sequence.count, columns: h)
        }
    }

    /// hidden[t] = LayerNorm(word[id] + position[p] + tokenType[0]).
    private func writeEmbeddings(_ sequences: [[Int32]], into hidden: FloatBuffer) {
        let c = configuration
        let h = c.hiddenSize
        var row = 0
        for sequence in sequences {
            for (position, id) in sequence.enumerated() {
                let target = hidden.mutablePointer + row * h
                let word = weights.wordEmbeddings.pointer + Int(id) * h
                let positional = weights.positionAndTypeEmbeddings.pointer + position * h
                for j in 0..<h { target[j] = word[j] + positional[j] }
                row += 1
            }
        }
        let weights = self.weights
        parallel.forEachChunk(rows: row, minimumRowsPerWorker: Self.minimumRowsPerWorker) { _, range in
            VectorKernels.residualLayerNorm(
                hidden.mutablePointer + range.lowerBound * h, rows: range.count, columns: h, sublayer: nil, bias: nil,
                gamma: weights.embeddingNormGamma.pointer, beta: weights.embeddingNormBeta.pointer,
                epsilon: c.layerNormEpsilon)
        }
    }

    private func runLayer(_ layer: BertLayerWeights, scratch: Scratch, tokens: Int,
                          offsets: [Int], sequences: [[Int32]]) {
        let c = configuration
        let h = c.hiddenSize

        // Q, K, V for all tokens in one sgemm: [T, H] · [3H, H]ᵀ.
        BLAS.sgemm(m: tokens, n: 3 * h, k: h, a: scratch.hidden.pointer, lda: h,
                   b: layer.qkvWeight.pointer, ldb: h, transposeB: true,
                   c: scratch.qkv.mutablePointer, ldc: 3 * h)
        parallel.forEachChunk(rows: tokens, minimumRowsPerWorker: Self.minimumRowsPerWorker) { _, range in
            VectorKernels.addBias(scratch.qkv.mutablePointer + range.lowerBound * 3 * h,
                                  rows: range.count, columns: 3 * h, bias: layer.qkvBias.pointer)
        }

        // Sequences are sorted by length, so dealing them out round-robin balances the n² work.
        let workers = parallel.workerCount(rows: tokens, minimumRowsPerWorker: Self.minimumRowsPerWorker)
        let sequenceWorkers = min(workers, sequences.count)
        parallel.forEachChunk(rows: sequenceWorkers, minimumRowsPerWorker: 1) { _, range in
            for worker in range {
                for index in stride(from: worker, to: sequences.count, by: sequenceWorkers) {
                    attend(offset: offsets[index], length: sequences[index].count,
                           scores: scratch.scores.mutablePointer + worker * scratch.scoresStride, scratch: scratch)
                }
            }
        }

        BLAS.sgemm(m: tokens, n: h, k: h, a: scratch.context.pointer, lda: h,
                   b: layer.attentionOutputWeight.pointer, ldb: h, transposeB: true,
                   c: scratch.projection.mutablePointer, ldc: h)
        parallel.forEachChunk(rows: tokens, minimumRowsPerWorker: Self.minimumRowsPerWorker) { _, range in
            let start = range.lowerBound * h
            VectorKernels.residualLayerNorm(
                scratch.hidden.mutablePointer + start, rows: range.count, columns: h,
                sublayer: scratch.projection.pointer + start, bias: layer.attentionOutputBias.pointer,
                gamma: layer.attentionNormGamma.pointer, beta: layer.attentionNormBeta.pointer,
                epsilon: c.layerNormEpsilon)
        }

        BLAS.sgemm(m: tokens, n: c.intermediateSize, k: h, a: scratch.hidden.pointer, lda: h,
                   b: layer.intermediateWeight.pointer, ldb: h, transposeB: true,
                   c: scratch.intermediate.mutablePointer, ldc: c.intermediateSize)
        parallel.forEachChunk(rows: tokens, minimumRowsPerWorker: Self.minimumRowsPerWorker) { _, range in
            VectorKernels.biasGELU(scratch.intermediate.mutablePointer + range.lowerBound * c.intermediateSize,
                                   rows: range.count, columns: c.intermediateSize,
                                   bias: layer.intermediateBias.pointer)
        }

        BLAS.sgemm(m: tokens, n: h, k: c.intermediateSize, a: scratch.intermediate.pointer,
                   lda: c.intermediateSize, b: layer.outputWeight.pointer, ldb: c.intermediateSize,
                   transposeB: true, c: scratch.projection.mutablePointer, ldc: h)
        parallel.forEachChunk(rows: tokens, minimumRowsPerWorker: Self.minimumRowsPerWorker) { _, range in
            let start = range.lowerBound * h
            VectorKernels.residualLayerNorm(
                scratch.hidden.mutablePointer + start, rows: range.count, columns: h,
                sublayer: scratch.projection.pointer + start, bias: layer.outputBias.pointer,
                gamma: layer.outputNormGamma.pointer, beta: layer.outputNormBeta.pointer,
                epsilon: c.layerNormEpsilon)
        }
    }

    /// Multi-head self-attention for one sequence: per head, S = QₕKₕᵀ/√d (one sgemm reading
    /// Q and K in place with a 3H row stride), softmax, then Sₕ·Vₕ written straight into the
    /// head's columns of the context matrix. No copies, no per-head allocation.
    private func attend(offset: Int, length n: Int, scores: UnsafeMutablePointer<Float>, scratch: Scratch) {
        let c = configuration
        let h = c.hiddenSize
        let d = c.headSize
        let scale = 1 / Float(d).squareRoot()
        let rows = scratch.qkv.pointer + offset * 3 * h
        let context = scratch.context.mutablePointer + offset * h
        // Score rows padded to whole vectors so the softmax needs no scalar tail.
        let width = VectorKernels.width
        let stride = (n + width - 1) / width * width
        for head in 0..<c.headCount {
            let query = rows + head * d
            let key = rows + h + head * d
            let value = rows + 2 * h + head * d
            BLAS.sgemm(m: n, n: n, k: d, alpha: scale, a: query, lda: 3 * h,
                       b: key, ldb: 3 * h, transposeB: true, c: scores, ldc: stride)
            VectorKernels.softmaxRows(scores, rows: n, columns: n, stride: stride)
            BLAS.sgemm(m: n, n: d, k: n, a: scores, lda: stride,
                       b: value, ldb: 3 * h, transposeB: false, c: context + head * d, ldc: h)
        }
    }
}
