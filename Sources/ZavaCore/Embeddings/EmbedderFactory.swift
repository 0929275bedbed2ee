import Foundation
import MiniLM

/// Builds the configured embedder (`EmbeddingSettings.provider`: local, openai or azure).
public enum EmbedderFactory {
    /// The configured model's name (as recorded beside stored vectors), without loading it.
    public static func modelName(_ settings: Settings) -> String {
        let embedding = settings.embedding
        switch embedding.provider {
        case .openai: return embedding.model ?? "text-embedding-3-small"
        case .azure: return "azure:\(embedding.azureDeployment ?? "")"
        case .local: return "all-MiniLM-L6-v2"  // MiniLMEmbedder.modelName
        }
    }

    public static func make(_ settings: Settings) throws -> any Embedder {
        let embedding = settings.embedding
        func required(_ value: String?, _ key: String) throws -> String {
            guard let value else { throw ConfigurationError(key: key, value: "", expected: "a value for this provider") }
            return value
        }
        /// A dimension the user chose is asked of the service, not only expected from it.
        func hosted(_ settings: HostedEmbedder.Settings) -> HostedEmbedder.Settings {
            var settings = settings
            if embedding.dimension != nil { settings.requestedDimensions = settings.dimension }
            return settings
        }
        func dimension(for model: String) -> Int {
            embedding.dimension ?? (model.contains("large") ? 3072 : 1536)
        }
        switch embedding.provider {
        case .local:
            return try MiniLMEmbedder(modelDirectory: embedding.modelDirectory)
        case .openai:
            let model = embedding.model ?? "text-embedding-3-small"
            let base = embedding.openAIBaseURL ?? "https://api.openai.com/v1"
            guard let url = URL(string: base.hasSuffix("/embeddings") ? base : base + "/embeddings") else {
                throw ConfigurationError(key: "OPENAI_BASE_URL", value: base, expected: "a URL")
            }
            let key = try required(embedding.openAIKey, "OPENAI_API_KEY")
            return HostedEmbedder(settings: hosted(.init(url: url, headers: ["Authorization": "Bearer \(key)"],
                                                         model: model, modelName: model, dimension: dimension(for: model))))
        case .azure:
            let endpoint = try required(embedding.azureEndpoint, "AZURE_OPENAI_ENDPOINT")
            let deployment = try required(embedding.azureDeployment, "EMBEDDING_MODEL_DEPLOYMENT_NAME")
            let version = embedding.azureAPIVersion ?? "2024-02-01"
            let trimmed = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            guard let url = URL(string: "\(trimmed)/openai/deployments/\(deployment)/embeddings?api-version=\(version)") else {
                throw ConfigurationError(key: "AZURE_OPENAI_ENDPOINT", value: endpoint, expected: "a URL")
            }
            let headers = try embedding.azureKey.map { ["api-key": $0] }
                ?? ["Authorization": "Bearer \(try required(embedding.azureADToken, "AZURE_OPENAI_AD_TOKEN"))"]
            return HostedEmbedder(settings: hosted(.init(url: url, headers: headers, model: nil, modelName: "azure:\(deployment)",
                                                         dimension: dimension(for: deployment))))
        }
    }
}

/// One embedder per process, made on first use: the REPL and the MCP endpoint share it
/// (a local model holds ~90 MB of weights), and a process that never searches never loads it.
public final class EmbedderCache: @unchecked Sendable {
    private let lock = NSLock()
    private let make: @Sendable () throws -> any Embedder
    private var embedder: (any Embedder)?

    public init(_ make: @escaping @Sendable () throws -> any Embedder) { self.make = make }

    public func get() throws -> any Embedder {
        try lock.withLock {
            if let embedder { return embedder }
            let made = try make()
            embedder = made
            return made
        }
    }
}
