import Foundation
import ZavaCore

/// `:export`: a result written to a file in the format its extension names. Never
/// overwrites unless asked; failures say which file and why.
struct ResultExporter {
    struct ExportError: Error, CustomStringConvertible, Equatable {
        var description: String
    }

    struct Report: Equatable {
        var rows: Int
        var bytes: Int
        var path: String
    }

    static let formats: [String: OutputFormat] = ["csv": .csv, "tsv": .tsv, "json": .json, "md": .markdown, "markdown": .markdown]

    static func format(for path: String) throws -> OutputFormat {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard let format = formats[ext] else {
            throw ExportError(description: "cannot tell the format of \(path): use a .csv, .tsv, .json or .md file name")
        }
        return format
    }

    /// Writes `result` to `path` (`~` expanded, relative to the working directory).
    static func export(_ result: QueryResult, to path: String, overwrite: Bool,
                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Report {
        let format = try format(for: path)
        let resolved = expand(path, environment: environment)
        let bytes = Array(format.render(result).utf8)
        let fd = open(resolved, O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL), 0o644)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST {
                throw ExportError(description: "\(path) already exists: :export! \(path) overwrites it")
            }
            throw ExportError(description: "cannot write \(resolved): \(String(cString: strerror(code)))")
        }
        let file = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try file.write(contentsOf: bytes)
        } catch {
            throw ExportError(description: "cannot write \(resolved): \(error.localizedDescription)")
        }
        return Report(rows: result.rows.count, bytes: bytes.count, path: resolved)
    }

    static func expand(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}
