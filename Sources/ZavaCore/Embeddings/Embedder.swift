import MiniLM

/// A text embedding model: the seam between search and how vectors are computed, so the
/// local MiniLM model and a hosted API are interchangeable by configuration.
public protocol Embedder: Sendable {
    /// Stable identifier recorded next to stored vectors, e.g. "all-MiniLM-L6-v2".
    var modelName: String { get }
    var dimension: Int { get }
    func embed(_ texts: [String]) async throws -> [[Float]]
}

/// The local all-MiniLM-L6-v2 model, run in Swift.
extension MiniLMEmbedder: Embedder {}
