import Foundation
import Testing
@testable import ZavaCore

/// The hosted (OpenAI / Azure OpenAI compatible) embedder against a local stand-in server.
@Suite(.serialized) struct HostedEmbedderTests {
    final class StandIn {
        let process = Process()
        let port: Int
        let log: URL

        init(failFirst: Int = 0) throws {
            log = FileManager.default.temporaryDirectory.appendingPathComponent("standin-\(UUID().uuidString).log")
            let script = try #require(Bundle.module.url(forResource: "Fixtures/standin/embeddings_server", withExtension: "py"))
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path]
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["FAIL_FIRST": String(failFirst), "LOG": log.path, "DIMENSION": "8"]) { $1 }
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            var line = Data()
            while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([10]) {
                line.append(byte)
            }
            port = try #require(Int(String(decoding: line, as: UTF8.self)))
        }

        deinit { process.terminate() }

        func requests() throws -> [[String: Any]] {
            try String(contentsOf: log, encoding: .utf8).split(separator: "\n").compactMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    func configuration(_ values: [String: String]) throws -> Configuration {
        try Configuration(values: values, directory: URL(fileURLWithPath: "/tmp"))
    }

    @Test func openAICompatibleEndpointWithRetries() async throws {
        let server = try StandIn(failFirst: 2)
        let embedder = try EmbedderFactory.make(try configuration([
            "ZAVA_EMBEDDING_PROVIDER": "openai", "OPENAI_API_KEY": "test-key",
            "OPENAI_BASE_URL": "http://127.0.0.1:\(server.port)/v1", "ZAVA_EMBEDDING_DIMENSION": "8",
        ]))
        #expect(embedder.dimension == 8)
        #expect(embedder.modelName == "text-embedding-3-small")
        let vectors = try await embedder.embed(["copper pipe cutter", "garden hose"])
        #expect(vectors.count == 2)
        #expect(vectors[0] != vectors[1]) // answers were reordered by index
        let requests = try server.requests()
        #expect(requests.count == 3) // two 429s, then success
        #expect(requests.last?["path"] as? String == "/v1/embeddings")
    }

    @Test func azureDeploymentURLAndKeyHeader() async throws {
        let server = try StandIn()
        let embedder = try EmbedderFactory.make(try configuration([
            "ZAVA_EMBEDDING_PROVIDER": "azure", "AZURE_OPENAI_ENDPOINT": "http://127.0.0.1:\(server.port)/",
            "EMBEDDING_MODEL_DEPLOYMENT_NAME": "embeddings-small", "AZURE_OPENAI_API_KEY": "azure-key",
            "ZAVA_EMBEDDING_DIMENSION": "8",
        ]))
        _ = try await embedder.embed(["hammer"])
        let request = try #require(try server.requests().first)
        #expect(request["path"] as? String == "/openai/deployments/embeddings-small/embeddings?api-version=2024-02-01")
        #expect((request["headers"] as? [String: String])?["api-key"] == "azure-key")
    }

    @Test func clearErrorsForBadKeysMissingSettingsAndDeadServers() async throws {
        let server = try StandIn()
        let wrongKey = try EmbedderFactory.make(try configuration([
            "ZAVA_EMBEDDING_PROVIDER": "openai", "OPENAI_API_KEY": "wrong",
            "OPENAI_BASE_URL": "http://127.0.0.1:\(server.port)/v1", "ZAVA_EMBEDDING_DIMENSION": "8",
        ]))
        do {
            _ = try await wrongKey.embed(["x"])
            Issue.record("expected an authentication error")
        } catch let error as HostedEmbedderError {
            #expect(error.status == 401)
            #expect(error.description.contains("bad key"))
        }
        #expect(throws: ConfigurationError.self) {
            try EmbedderFactory.make(try configuration(["ZAVA_EMBEDDING_PROVIDER": "openai"]))
        }
        #expect(throws: ConfigurationError.self) {
            try EmbedderFactory.make(try configuration(["ZAVA_EMBEDDING_PROVIDER": "quantum"]))
        }
        var settings = HostedEmbedder.Settings(url: try #require(URL(string: "http://127.0.0.1:9/v1/embeddings")), headers: [:],
                                               model: "m", modelName: "m", dimension: 8)
        settings.maxAttempts = 2
        settings.initialBackoff = .milliseconds(10)
        await #expect(throws: HostedEmbedderError.self) { try await HostedEmbedder(settings: settings).embed(["x"]) }
    }
}
