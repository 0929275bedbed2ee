import Foundation
import Testing
import ZavaCore
import ZavaTesting

/// The hosted (OpenAI / Azure OpenAI compatible) embedder, through `zava embed --check`,
/// against a local stand-in server (Fixtures/embeddings_server.py).
@Suite struct HostedEmbeddingTests {
    /// The stand-in server; it writes its port to a file and logs every request.
    final class StandIn {
        let child: ChildProcess
        let port: Int
        let log: URL

        init(failFirst: Int = 0) throws {
            let id = UUID().uuidString
            log = FileManager.default.temporaryDirectory.appendingPathComponent("standin-\(id).log")
            let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("standin-\(id).port")
            let script = ExecutableTests.CLITests.root.appendingPathComponent("Tests/zavaTests/Fixtures/embeddings_server.py")
            var environment = ProcessInfo.processInfo.environment
            environment["FAIL_FIRST"] = String(failFirst)
            environment["LOG"] = log.path
            environment["DIMENSION"] = "1536" // the model's own size: 8 only when zava asks for it
            child = try ChildProcess("/usr/bin/env", ["python3", script.path], environment: environment, stdout: portFile)
            var found: Int?
            for _ in 0..<200 where found == nil {
                found = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                if found == nil { usleep(25_000) }
            }
            port = try #require(found)
        }

        deinit { child.stop() }

        func requests() throws -> [[String: Any]] {
            try String(contentsOf: log, encoding: .utf8).split(separator: "\n").compactMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    func check(_ settings: [String: String]) throws -> Subprocess.Output {
        var environment = ExecutableTests.CLITests.environment
        environment.merge(settings) { $1 }
        return try Subprocess.run(ExecutableTests.CLITests.binary.path, ["embed", "--check", "copper pipe cutter"], environment: environment)
    }

    @Test func openAICompatibleEndpointRetriesRateLimits() throws {
        let server = try StandIn(failFirst: 2)
        let result = try check(["ZAVA_EMBEDDING_PROVIDER": "openai", "OPENAI_API_KEY": "test-key",
                                "OPENAI_BASE_URL": "http://127.0.0.1:\(server.port)/v1", "ZAVA_EMBEDDING_DIMENSION": "8"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("text-embedding-3-small: 8 dimensions ["))
        let requests = try server.requests()
        #expect(requests.count == 3) // two 429s with Retry-After, then the answer
        #expect(requests.last?["path"] as? String == "/v1/embeddings")
        #expect((requests.last?["body"] as? [String: Any])?["model"] as? String == "text-embedding-3-small")
        #expect((requests.last?["body"] as? [String: Any])?["dimensions"] as? Int == 8)
    }

    @Test func azureDeploymentURLAndKeyHeader() throws {
        let server = try StandIn()
        let result = try check(["ZAVA_EMBEDDING_PROVIDER": "azure", "AZURE_OPENAI_ENDPOINT": "http://127.0.0.1:\(server.port)/",
                                "EMBEDDING_MODEL_DEPLOYMENT_NAME": "embeddings-small", "AZURE_OPENAI_API_KEY": "azure-key",
                                "ZAVA_EMBEDDING_DIMENSION": "8"])
        #expect(result.status == 0, "\(result.stderr)")
        let request = try #require(try server.requests().first)
        #expect(request["path"] as? String == "/openai/deployments/embeddings-small/embeddings?api-version=2024-02-01")
        #expect((request["headers"] as? [String: String])?["Api-Key"] == "azure-key")
    }

    @Test func badKeysAndDeadServersAreClearErrors() throws {
        let server = try StandIn()
        let wrongKey = try check(["ZAVA_EMBEDDING_PROVIDER": "openai", "OPENAI_API_KEY": "wrong",
                                  "OPENAI_BASE_URL": "http://127.0.0.1:\(server.port)/v1", "ZAVA_EMBEDDING_DIMENSION": "8"])
        #expect(wrongKey.status == 1)
        #expect(wrongKey.stderr.contains("embedding service answered HTTP 401: bad key"))
        let dead = try check(["ZAVA_EMBEDDING_PROVIDER": "openai", "OPENAI_API_KEY": "test-key",
                              "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "ZAVA_EMBEDDING_DIMENSION": "8"])
        #expect(dead.status == 1)
        #expect(dead.stderr.contains("embedding service unreachable"))
    }
}
