/// Weights of one encoder layer, laid out for the forward pass.
struct BertLayerWeights: Sendable {
    /// Query, key and value projections stacked into one [3·hidden, hidden] matrix, so the
    /// three projections are a single (larger, more efficient) sgemm.
    let qkvWeight: FloatBuffer
    let qkvBias: FloatBuffer
    let attentionOutputWeight: FloatBuffer
    let attentionOutputBias: FloatBuffer
    let attentionNormGamma: FloatBuffer
    let attentionNormBeta: FloatBuffer
    let intermediateWeight: FloatBuffer
    let intermediateBias: FloatBuffer
    let outputWeight: FloatBuffer
    let outputBias: FloatBuffer
    let outputNormGamma: FloatBuffer
    let outputNormBeta: FloatBuffer
}

/// All weights of a BERT encoder, loaded from safetensors with every shape checked against
/// the configuration. PyTorch `Linear` weights stay in their [out, in] layout; the forward
/// pass multiplies by their transpose through BLAS, which costs nothing extra.
struct BertWeights: Sendable {
    let wordEmbeddings: FloatBuffer
    /// Position embeddings with token-type-0 embeddings already added: single-sentence inputs
    /// always use token type 0, so this removes one addition per token and element.
    let positionAndTypeEmbeddings: FloatBuffer
    let embeddingNormGamma: FloatBuffer
    let embeddingNormBeta: FloatBuffer
    let layers: [BertLayerWeights]

    init(file: SafeTensorsFile, configuration c: BertConfiguration) throws {
        let h = c.hiddenSize
        // Checkpoints exported from `BertModel` have bare names; from `BertFor…` a "bert." prefix.
        let prefix = file.tensors["embeddings.word_embeddings.weight"] == nil
            && file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func load(_ name: String, _ shape: [Int]) throws -> [Float] {
            try file.floats(prefix + name, shape: shape)
        }
        wordEmbeddings = FloatBuffer(try load("embeddings.word_embeddings.weight", [c.vocabularySize, h]))
        var positions = try load("embeddings.position_embeddings.weight", [c.maxPositions, h])
        let tokenTypes = try load("embeddings.token_type_embeddings.weight", [c.tokenTypeCount, h])
        for p in 0..<c.maxPositions {
            for j in 0..<h { positions[p * h + j] += tokenTypes[j] }
        }
        positionAndTypeEmbeddings = FloatBuffer(positions)
        embeddingNormGamma = FloatBuffer(try load("embeddings.LayerNorm.weight", [h]))
        embeddingNormBeta = FloatBuffer(try load("embeddings.LayerNorm.bias", [h]))

        var layers: [BertLayerWeights] = []
        for index in 0..<c.layerCount {
            let base = "encoder.layer.\(index)."
            let attention = base + "attention."
            let qkvWeight = try load(attention + "self.query.weight", [h, h])
                + load(attention + "self.key.weight", [h, h])
                + load(attention + "self.value.weight", [h, h])
            let qkvBias = try load(attention + "self.query.bias", [h])
                + load(attention + "self.key.bias", [h])
                + load(attention + "self.value.bias", [h])
            layers.append(BertLayerWeights(
                qkvWeight: FloatBuffer(qkvWeight),
                qkvBias: FloatBuffer(qkvBias),
                attentionOutputWeight: FloatBuffer(try load(attention + "output.dense.weight", [h, h])),
                attentionOutputBias: FloatBuffer(try load(attention + "output.dense.bias", [h])),
                attentionNormGamma: FloatBuffer(try load(attention + "output.LayerNorm.weight", [h])),
                attentionNormBeta: FloatBuffer(try load(attention + "output.LayerNorm.bias", [h])),
                intermediateWeight: FloatBuffer(try load(base + "intermediate.dense.weight", [c.intermediateSize, h])),
                intermediateBias: FloatBuffer(try load(base + "intermediate.dense.bias", [c.intermediateSize])),
                outputWeight: FloatBuffer(try load(base + "output.dense.weight", [h, c.intermediateSize])),
                outputBias: FloatBuffer(try load(base + "output.dense.bias", [h])),
                outputNormGamma: FloatBuffer(try load(base + "output.LayerNorm.weight", [h])),
                outputNormBeta: FloatBuffer(try load(base + "output.LayerNorm.bias", [h]))
            ))
        }
        self.layers = layers
    }
}
