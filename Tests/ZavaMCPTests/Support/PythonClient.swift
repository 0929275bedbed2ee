import Foundation
import ZavaTesting

/// The official Python MCP SDK, driven through `Fixtures/mcp_client.py` in the venv that
/// `scripts/bootstrap.sh --test` creates (`$ZAVA_VENV`, default `<repo>/.zava/venv`).
enum PythonClient {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let script = testsDirectory.appendingPathComponent("Fixtures/mcp_client.py")

    static var python: URL {
        let root = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
        let venv = ProcessInfo.processInfo.environment["ZAVA_VENV"].map { URL(fileURLWithPath: $0) }
            ?? root.appendingPathComponent(".zava/venv")
        return venv.appendingPathComponent("bin/python")
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs one scenario and decodes its JSON report. The spec and the output go through files and the wait
    /// blocks no thread: the server under test shares this process's thread pool.
    static func run<Report: Decodable>(_ scenario: String, url: String, _ spec: [String: Any] = [:],
                                       as _: Report.Type = Report.self, timeout: Duration = .seconds(90)) async throws -> Report {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zava-mcp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let specURL = directory.appendingPathComponent("spec.json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        let outURL = directory.appendingPathComponent("out.json"), errURL = directory.appendingPathComponent("err.txt")
        let child = try ChildProcess(python.path, [script.path, scenario, url, specURL.path], stdout: outURL, stderr: errURL)
        defer { child.stop() }
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            child.terminate()
        }
        defer { watchdog.cancel() }
        let status = try await child.status()
        let stdout = try Data(contentsOf: outURL)
        let stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        guard status == 0 else {
            throw Failure(description: "python \(scenario) exited with \(status): \(stderr.suffix(3_000))")
        }
        do {
            return try JSONDecoder().decode(Report.self, from: stdout)
        } catch {
            throw Failure(description: "python \(scenario) report did not decode (\(error)): \(String(decoding: stdout.prefix(2_000), as: UTF8.self))")
        }
    }
}

// MARK: - Reports (see Fixtures/mcp_client.py)

struct SessionsReport: Decodable {
    let sessions: [SessionReport]
}

struct SessionReport: Decodable {
    let name: String
    let server: String?
    /// The protocol revision the client settled on.
    let `protocol`: String?
    let tools: [ToolInfo]?
    let calls: [CallOutcome]?
    let error: String?
}

struct ToolInfo: Decodable {
    let name: String
    let description: String
    let readOnly: Bool
    let params: [String]
    let required: [String]
}

struct CallOutcome: Decodable {
    let isError: Bool?
    let text: String?
    let rpcError: String?
    /// Whether the result carried structured content, and where it broke its tool's outputSchema.
    let structured: Bool?
    let schemaErrors: [String]?
}

struct RawReport: Decodable {
    let raw: [RawResult]
}

struct RawResult: Decodable {
    let name: String
    let status: Int?
    let headers: [String: String]?
    let body: String?
    let error: String?
    /// How long the request took, where the scenario measures it.
    var seconds: Double? = nil
}

struct ConcurrentReport: Decodable {
    struct SessionCalls: Decodable {
        let identity: String
        let calls: [CallOutcome]
    }

    let seconds: Double
    let results: [SessionCalls]
    let failures: [String]
}

struct DisconnectReport: Decodable {
    let closed_after: Double
}

/// The compact result JSON of execute_sales_query.
struct CompactResult: Decodable {
    let c: [String]
    let r: [[JSONScalar]]
    let n: Int
    let truncated: Bool?
    let err: String?

    static func decode(_ text: String?) throws -> CompactResult {
        try JSONDecoder().decode(CompactResult.self, from: Data((text ?? "").utf8))
    }
}

/// A result cell as JSON carries it.
enum JSONScalar: Decodable, Hashable, CustomStringConvertible {
    case null, bool(Bool), number(Double), string(String), other

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else { self = .other }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let value): value
        case .other: "?"
        }
    }
}
