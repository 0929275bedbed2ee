import Foundation

/// Which model embeds product descriptions and search text (`ZAVA_EMBEDDING_PROVIDER`), with
/// the hosted providers' settings under the sample's variable names. Whether a provider has
/// everything it needs is checked when an embedder is made (`EmbedderFactory`), so a missing
/// API key never stops `zava db stop`.
public struct EmbeddingSettings: Sendable, Equatable {
    public enum Provider: String, Sendable, CaseIterable {
        case local, openai, azure
    }

    public var provider: Provider
    /// The local model's files. `ZAVA_MODEL_DIR`, default `$ZAVA_HOME/models/all-MiniLM-L6-v2`.
    public var modelDirectory: URL
    /// `ZAVA_EMBEDDING_MODEL` (OpenAI's model name).
    public var model: String?
    /// `ZAVA_EMBEDDING_DIMENSION`: asked of the service and expected from it.
    public var dimension: Int?
    /// `OPENAI_BASE_URL`, `OPENAI_API_KEY`.
    public var openAIBaseURL: String?
    public var openAIKey: String?
    /// `AZURE_OPENAI_ENDPOINT`, `EMBEDDING_MODEL_DEPLOYMENT_NAME`, `AZURE_OPENAI_API_VERSION`,
    /// and one of `AZURE_OPENAI_API_KEY` / `AZURE_OPENAI_AD_TOKEN`.
    public var azureEndpoint: String?
    public var azureDeployment: String?
    public var azureAPIVersion: String?
    public var azureKey: String?
    public var azureADToken: String?

    init(_ keys: SettingValues, home: URL) throws {
        let name = keys.string("ZAVA_EMBEDDING_PROVIDER") ?? Provider.local.rawValue
        guard let provider = Provider(rawValue: name.lowercased()) else {
            throw ConfigurationError(key: "ZAVA_EMBEDDING_PROVIDER", value: name,
                                     expected: Provider.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.provider = provider
        modelDirectory = keys.string("ZAVA_MODEL_DIR").map { URL(fileURLWithPath: $0) }
            ?? home.appendingPathComponent("models/all-MiniLM-L6-v2")
        model = keys.string("ZAVA_EMBEDDING_MODEL")
        if let text = keys.string("ZAVA_EMBEDDING_DIMENSION") {
            guard let number = Int(text), (1...16_000).contains(number) else {
                throw ConfigurationError(key: "ZAVA_EMBEDDING_DIMENSION", value: text, expected: "a whole number of dimensions")
            }
            dimension = number
        }
        openAIBaseURL = keys.string("OPENAI_BASE_URL")
        openAIKey = keys.string("OPENAI_API_KEY")
        azureEndpoint = keys.string("AZURE_OPENAI_ENDPOINT")
        azureDeployment = keys.string("EMBEDDING_MODEL_DEPLOYMENT_NAME")
        azureAPIVersion = keys.string("AZURE_OPENAI_API_VERSION")
        azureKey = keys.string("AZURE_OPENAI_API_KEY")
        azureADToken = keys.string("AZURE_OPENAI_AD_TOKEN")
    }
}
