import Foundation
import ZavaCore
import ZavaPostgres

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

    /// Opens `path` for an export (the format checked first, so a wrong name fails before anything runs).
    static func open(_ path: String, overwrite: Bool,
                     environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (OutputFile, OutputFormat) {
        let format = try format(for: path)
        do {
            return (try OutputFile.open(path, overwrite: overwrite, force: ":export! \(path)", environment: environment), format)
        } catch let error as OutputFile.OpenError {
            throw ExportError(description: error.description)
        }
    }

    /// Writes a collected `result` to `path`.
    static func export(_ result: QueryResult, to path: String, overwrite: Bool, style: RenderStyle = .plain,
                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Report {
        let (file, format) = try open(path, overwrite: overwrite, environment: environment)
        defer { file.close() }
        file.buffer.write(format.render(result, style: style))
        return Report(rows: result.rows.count, bytes: file.size, path: file.path)
    }

    static func expand(_ path: String, environment: [String: String]) -> String {
        OutputFile.expand(path, environment: environment)
    }
}
