import Foundation
import ZavaCore

/// `:save`, `:run`, `:saved`: statements kept as `<name>.sql` files in the config directory's
/// `queries/` folder, so they can be read, edited and shared as plain SQL.
struct SavedQueries {
    struct SavedQueryError: Error, CustomStringConvertible, Equatable {
        var description: String
    }

    let directory: URL

    func save(_ sql: String, as name: String, overwrite: Bool) throws {
        let file = try url(for: name)
        if !overwrite, FileManager.default.fileExists(atPath: file.path) {
            throw SavedQueryError(description: "a query named \(name) exists: :save! \(name) replaces it")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data((sql + "\n").utf8).write(to: file, options: .atomic)
        } catch {
            throw SavedQueryError(description: "cannot save \(name) in \(directory.path): \(error.localizedDescription)")
        }
    }

    func load(_ name: String) throws -> String {
        let file = try url(for: name)
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            let known = names()
            throw SavedQueryError(description: "no saved query named \(name)"
                                  + (known.isEmpty ? "; save one with :save <name>" : " (saved: \(known.joined(separator: ", ")))"))
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".sql") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// Names are file names: letters, digits, `_` and `-` only (no paths).
    private func url(for name: String) throws -> URL {
        guard !name.isEmpty, name.count <= 64,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw SavedQueryError(description: "a saved query's name is letters, digits, _ and - (got \(name))")
        }
        return directory.appendingPathComponent(name + ".sql")
    }

    /// What is wrong with running `name` with these arguments, before the server says it in
    /// protocol words ("bind message supplies 0 parameters..."); nil when they match or the
    /// statement cannot be read.
    static func argumentMismatch(name: String, sql: String, arguments: [String]) -> String? {
        let needed = StatementSplitter.split(sql).compactMap { StatementParameters.highest(in: $0) }.max() ?? 0
        guard needed != arguments.count else { return nil }
        let placeholders = (1...max(1, needed)).map { "$\($0)" }
        let usage = needed == 0 ? ":run \(name)" : ":run \(name) " + placeholders.map { "<\($0)>" }.joined(separator: " ")
        let wanted = needed == 0 ? "takes no arguments" : "needs \(needed) argument\(needed == 1 ? "" : "s") (\(placeholders.joined(separator: ", ")))"
        return "\(name) \(wanted), got \(arguments.count): \(usage)"
    }
}
