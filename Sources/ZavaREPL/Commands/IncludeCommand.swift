import Foundation

/// psql's `\i file`: a file's lines as if typed, stopping at its first failure; files may
/// include others, up to a depth that catches a file including itself.
struct IncludeCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: ["\\i", "\\include"], unlisted: ["\\ir", "\\include_relative"], usage: "\\i <file>",
        summary: "run a file's statements and commands as if typed",
        details: "Runs the file line by line, stopping at its first error. zava -f <file> does the same from the shell.")

    var file: String

    func run(in repl: REPL) async throws -> REPL.Flow {
        guard repl.includeDepth < 16 else { throw UsageError("\\i \(file): files include each other more than 16 deep") }
        let resolved = OutputFile.expand(file, environment: ProcessInfo.processInfo.environment)
        let text: String
        do {
            text = try String(contentsOfFile: resolved, encoding: .utf8)
        } catch {
            throw UsageError("\\i: cannot read \(resolved): \((error as NSError).localizedFailureReason ?? "no such file or not readable")")
        }
        repl.includeDepth += 1
        defer { repl.includeDepth -= 1 }
        let flow = await repl.runLines(text)
        if flow == .failed { repl.warn("stopped \(file) at its first error") }
        return flow
    }
}

extension IncludeCommand {
    init(_ arguments: CommandArguments) throws {
        guard let file = try arguments.values().first else {
            throw MetaCommand.ParseError(description: "\\i needs a file, e.g. \\i report.sql")
        }
        self.file = file
    }
}
