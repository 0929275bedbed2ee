import Foundation
import Testing
@testable import MiniLM

/// Loading problems must surface as specific, descriptive errors.
@Suite struct ErrorTests {
    @Test func missingDirectoryNamesTheFile() throws {
        let directory = URL(fileURLWithPath: "/nonexistent/minilm")
        #expect(throws: MiniLMError.missingFile(directory.appendingPathComponent("config.json"))) {
            try MiniLMEmbedder(modelDirectory: directory)
        }
    }

    @Test func wrongShapeIsReported() throws {
        let file = try SafeTensorsFile(url: TestSupport.modelDirectory.appendingPathComponent("model.safetensors"))
        #expect(throws: MiniLMError.badTensorShape(
            tensor: "embeddings.LayerNorm.weight", expected: [768], actual: [384])) {
            try file.floats("embeddings.LayerNorm.weight", shape: [768])
        }
        #expect(throws: MiniLMError.missingTensor("no.such.tensor")) {
            try file.floats("no.such.tensor", shape: [1])
        }
        #expect(throws: MiniLMError.unsupportedDType(tensor: "embeddings.position_ids", dtype: "I64")) {
            try file.floats("embeddings.position_ids", shape: [1, 512])
        }
    }

    @Test func outOfVocabularyTokenIDThrows() async throws {
        let embedder = try TestSupport.makeEmbedder()
        await #expect(throws: MiniLMError.invalidTokenID(40_000, vocabularySize: 30_522)) {
            try await embedder.embed(tokenIDs: [[101, 40_000, 102]])
        }
    }

    @Test func truncatedFileIsRejected() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("minilm-truncated-\(getpid()).safetensors")
        try Data([0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0x7B]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: MiniLMError.self) { try SafeTensorsFile(url: url) }
    }
}
