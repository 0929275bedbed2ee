import Foundation
@testable import MiniLM

/// Locations and helpers shared by the tests.
enum TestSupport {
    /// Package root, derived from this file's path so tests work from any working directory.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Model directory: $ZAVA_MODEL_DIR, else the unzipped wheel inside the package.
    static var modelDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["ZAVA_MODEL_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.appendingPathComponent(".zava/models/all-MiniLM-L6-v2")
    }

    static var fixturesDirectory: URL {
        packageRoot.appendingPathComponent("Tests/MiniLMTests/Fixtures")
    }

    static func makeEmbedder(maxBatchSize: Int = 32) throws -> MiniLMEmbedder {
        try MiniLMEmbedder(modelDirectory: modelDirectory, maxBatchSize: maxBatchSize)
    }

    /// Dot product in Double; equals cosine similarity for the L2-normalised vectors.
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, normA = 0.0, normB = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            normA += Double(x) * Double(x)
            normB += Double(y) * Double(y)
        }
        return dot / (normA.squareRoot() * normB.squareRoot())
    }
}
