import Foundation
import Testing
@testable import ZavaCore

/// Hosted embedder configuration. (Its HTTP behaviour is tested end to end through the
/// `zava` executable against a local stand-in server: Tests/zavaTests/HostedEmbeddingTests.)
@Suite struct HostedEmbedderConfigurationTests {
    func configuration(_ values: [String: String]) throws -> Settings {
        try Settings(values: values, directory: URL(fileURLWithPath: "/tmp"))
    }

    @Test func missingOrInvalidSettingsAreClearErrors() throws {
        #expect(throws: ConfigurationError.self) {
            try EmbedderFactory.make(try configuration(["ZAVA_EMBEDDING_PROVIDER": "openai"]))
        }
        #expect(throws: ConfigurationError.self) {
            try EmbedderFactory.make(try configuration(["ZAVA_EMBEDDING_PROVIDER": "azure", "AZURE_OPENAI_ENDPOINT": "https://x"]))
        }
        #expect(throws: ConfigurationError.self) {
            try EmbedderFactory.make(try configuration(["ZAVA_EMBEDDING_PROVIDER": "quantum"]))
        }
        #expect(throws: ConfigurationError.self) {
            try EmbedderFactory.make(try configuration(["ZAVA_EMBEDDING_PROVIDER": "openai", "OPENAI_API_KEY": "k",
                                                        "ZAVA_EMBEDDING_DIMENSION": "lots"]))
        }
        let large = try EmbedderFactory.make(try configuration(["ZAVA_EMBEDDING_PROVIDER": "openai", "OPENAI_API_KEY": "k",
                                                                "ZAVA_EMBEDDING_MODEL": "text-embedding-3-large"]))
        #expect(large.dimension == 3072)
    }
}
