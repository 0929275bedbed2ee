import Foundation
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaREPL
import ZavaTesting

/// Runs a REPL script in this process over a fake executor and captures what it printed.
struct REPLHarness {
    struct Outcome {
        var output: String
        var errors: String
        var succeeded: Bool
    }

    static func run(_ script: String, executor: FakeStatementExecutor, profile: String? = "seattle",
                    search: (any ProductSearching)? = nil) async throws -> Outcome {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zava-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outFile = folder.appendingPathComponent("out"), errFile = folder.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outFile), errors = try FileHandle(forWritingTo: errFile)
        let settings = try Settings(values: ["ZAVA_HOME": folder.path], directory: folder)
        let repl = try await REPL(database: .fake(executor), settings: settings, preferences: Preferences(), profile: profile,
                                  format: .table, mode: .script(continueOnError: true), search: search,
                                  output: output, errorOutput: errors)
        let succeeded = await repl.run(script: script)
        try output.close()
        try errors.close()
        return Outcome(output: try String(contentsOf: outFile, encoding: .utf8), errors: try String(contentsOf: errFile, encoding: .utf8),
                       succeeded: succeeded)
    }
}

/// Records the checked requests it is handed and answers with no rows; runs no SQL.
final class RecordingSearch: ProductSearching, @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [SearchRequest] = []
    var received: [SearchRequest] { lock.withLock { requests } }

    func searchProducts(session: Session, request: SearchRequest) async throws -> QueryResult {
        lock.withLock { requests.append(request) }
        return QueryResult(columns: [.named("product_id", "integer")], rows: [])
    }
}
