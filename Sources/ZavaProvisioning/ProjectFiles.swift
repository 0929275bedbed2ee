import Foundation
import ZavaCore

/// Finds the project's plain files (`sql/`, `data/`) at run time: `ZAVA_ROOT`, else the
/// nearest ancestor of the executable or of the working directory that holds both.
public struct ProjectFiles: Sendable {
    public let root: URL

    public var sqlDirectory: URL { root.appendingPathComponent("sql") }
    public var dataDirectory: URL { root.appendingPathComponent("data") }

    public init(root: URL) { self.root = root }

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ProjectFiles {
        if let root = environment["ZAVA_ROOT"], !root.isEmpty { return ProjectFiles(root: URL(fileURLWithPath: root)) }
        let starts = [Bundle.main.executableURL, URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        for start in starts.compactMap({ $0 }) {
            var candidate = start.resolvingSymlinksInPath()
            while candidate.path != "/" {
                let files = ProjectFiles(root: candidate)
                if FileManager.default.fileExists(atPath: files.sqlDirectory.appendingPathComponent("010_schema.sql").path) {
                    return files
                }
                candidate.deleteLastPathComponent()
            }
        }
        throw ProjectFilesError()
    }
}

struct ProjectFilesError: Error, CustomStringConvertible {
    var description: String { "cannot find zava's sql/ and data/ folders; set ZAVA_ROOT to the project's folder" }
}
