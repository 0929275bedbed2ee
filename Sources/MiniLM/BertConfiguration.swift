import Foundation

/// Hyper-parameters of a BERT encoder, read from the model's `config.json`.
///
/// Read rather than hard-coded so a different checkpoint in the directory fails with a clear
/// message instead of reading garbage; `validate()` rejects anything this implementation
/// does not compute (activation, position embedding type, head split).
public struct BertConfiguration: Sendable, Equatable {
    public var vocabularySize = 30522
    public var hiddenSize = 384
    public var layerCount = 6
    public var headCount = 12
    public var intermediateSize = 1536
    public var maxPositions = 512
    public var tokenTypeCount = 2
    public var layerNormEpsilon: Float = 1e-12

    public var headSize: Int { hiddenSize / headCount }

    /// The all-MiniLM-L6-v2 values.
    public init() {}

    public init(contentsOf url: URL) throws {
        let data = try readModelFile(url)
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw MiniLMError.invalidConfiguration("\(url.lastPathComponent) is not a JSON object")
        }
        func integer(_ key: String) throws -> Int {
            guard let value = (json[key] as? NSNumber)?.intValue else {
                throw MiniLMError.invalidConfiguration("missing integer \(key)")
            }
            return value
        }
        vocabularySize = try integer("vocab_size")
        hiddenSize = try integer("hidden_size")
        layerCount = try integer("num_hidden_layers")
        headCount = try integer("num_attention_heads")
        intermediateSize = try integer("intermediate_size")
        maxPositions = try integer("max_position_embeddings")
        tokenTypeCount = try integer("type_vocab_size")
        layerNormEpsilon = (json["layer_norm_eps"] as? NSNumber)?.floatValue ?? 1e-12
        let activation = json["hidden_act"] as? String ?? "gelu"
        guard activation == "gelu" else {
            throw MiniLMError.invalidConfiguration("hidden_act \(activation) (only exact erf GELU is implemented)")
        }
        let positions = json["position_embedding_type"] as? String ?? "absolute"
        guard positions == "absolute" else {
            throw MiniLMError.invalidConfiguration("position_embedding_type \(positions)")
        }
        try validate()
    }

    func validate() throws {
        guard hiddenSize > 0, headCount > 0, hiddenSize % headCount == 0 else {
            throw MiniLMError.invalidConfiguration("hidden_size \(hiddenSize) is not divisible by \(headCount) heads")
        }
        guard layerCount > 0, intermediateSize > 0, maxPositions > 0, tokenTypeCount > 0, vocabularySize > 0 else {
            throw MiniLMError.invalidConfiguration("non-positive size")
        }
    }
}
