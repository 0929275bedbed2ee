import Foundation
import MiniLM

/// Builds the configured embedder (`ZAVA_EMBEDDING_PROVIDER`: local, openai or azure).
public enum EmbedderFactory {
    /// The configured model's name (as recorded beside stored vectors), without loading it.
    public static func modelName(_ configuration: Configuration) -> String {
        let values = configuration.values
        func value(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
        switch (value("ZAVA_EMBEDDING_PROVIDER") ?? "local").lowercased() {
        case "openai": return value("ZAVA_EMBEDDING_MODEL") ?? "text-embedding-3-small"
        case "azure": return "azure:\(value("EMBEDDING_MODEL_DEPLOYMENT_NAME") ?? "")"
        default: return "all-MiniLM-L6-v2"  // MiniLMEmbedder.modelName
        }
    }

    public static func make(_ configuration: Configuration) throws -> any Embedder {
        let values = configuration.values
        func value(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
        func required(_ key: String) throws -> String {
            guard let text = value(key) else { throw ConfigurationError(key: key, value: "", expected: "a value for this provider") }
            return text
        }
        func dimension(for model: String) throws -> Int {
            if let text = value("ZAVA_EMBEDDING_DIMENSION") {
                guard let number = Int(text), (1...16_000).contains(number) else {
                    throw ConfigurationError(key: "ZAVA_EMBEDDING_DIMENSION", value: text, expected: "a whole number of dimensions")
                }
                return number
            }
            return model.contains("large") ? 3072 : 1536
        }
        /// A dimension the user chose is asked of the service, not only expected from it.
        func hosted(_ settings: HostedEmbedder.Settings) -> HostedEmbedder.Settings {
            var settings = settings
            if value("ZAVA_EMBEDDING_DIMENSION") != nil { settings.requestedDimensions = settings.dimension }
            return settings
        }
        switch (value("ZAVA_EMBEDDING_PROVIDER") ?? "local").lowercased() {
        case "local":
            let directory = value("ZAVA_MODEL_DIR").map { URL(fileURLWithPath: $0) }
                ?? configuration.home.appendingPathComponent("models/all-MiniLM-L6-v2")
            return try MiniLMEmbedder(modelDirectory: directory)
        case "openai":
            let model = value("ZAVA_EMBEDDING_MODEL") ?? "text-embedding-3-small"
            let base = value("OPENAI_BASE_URL") ?? "https://api.openai.com/v1"
            guard let url = URL(string: base.hasSuffix("/embeddings") ? base : base + "/embeddings") else {
                throw ConfigurationError(key: "OPENAI_BASE_URL", value: base, expected: "a URL")
            }
            return HostedEmbedder(settings: hosted(.init(url: url, headers: ["Authorization": "Bearer \(try required("OPENAI_API_KEY"))"],
                                                         model: model, modelName: model, dimension: try dimension(for: model))))
        case "azure":
            let endpoint = try required("AZURE_OPENAI_ENDPOINT")
            let deployment = try required("EMBEDDING_MODEL_DEPLOYMENT_NAME")
            let version = value("AZURE_OPENAI_API_VERSION") ?? "2024-02-01"
            let trimmed = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            guard let url = URL(string: "\(trimmed)/openai/deployments/\(deployment)/embeddings?api-version=\(version)") else {
                throw ConfigurationError(key: "AZURE_OPENAI_ENDPOINT", value: endpoint, expected: "a URL")
            }
            let headers = try value("AZURE_OPENAI_API_KEY").map { ["api-key": $0] }
                ?? ["Authorization": "Bearer \(try required("AZURE_OPENAI_AD_TOKEN"))"]
            return HostedEmbedder(settings: hosted(.init(url: url, headers: headers, model: nil, modelName: "azure:\(deployment)",
                                                         dimension: try dimension(for: deployment))))
        case let other:
            throw ConfigurationError(key: "ZAVA_EMBEDDING_PROVIDER", value: other, expected: "local, openai or azure")
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
