import Foundation
import ZavaCore

/// psql's `\e`: the statement typed so far (or the last one) in `$VISUAL`/`$EDITOR`; what comes
/// back replaces it, and runs if it ends with `;`.
struct EditCommand: REPLCommand {
    static let help = CommandHelp(
        names: ["\\e", "\\edit"], usage: "\\e", summary: "edit the statement typed so far (or the last one) in $EDITOR",
        details: "Opens $VISUAL or $EDITOR (default vi); what you save comes back, and runs if it ends with ;.")

    init(_ arguments: CommandArguments) {}

    func run(in repl: REPL) async throws -> REPL.Flow {
        guard repl.interactive else { throw UsageError("\\e needs a terminal") }
        let text = repl.splitter.isEmpty ? (repl.lastStatement.map { $0 + ";" } ?? "") : repl.splitter.pending
        let environment = ProcessInfo.processInfo.environment
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zava-edit-\(UUID().uuidString.prefix(8)).sql")
        try Data((text + "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let status = try Subprocess.runInTerminal("/bin/sh", ["-c", "\(editor) \"$1\"", "sh", file.path])
        guard status == 0 else { throw UsageError("\\e: the editor (\(editor)) exited with status \(status); the statement is unchanged") }
        let edited = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        repl.splitter.reset()
        guard !edited.isEmpty else { return .next }
        repl.print(edited)
        var flow = REPL.Flow.next
        for line in edited.split(separator: "\n", omittingEmptySubsequences: false) {
            let result = await repl.process(String(line))
            if result == .quit { return .quit }
            if result == .failed { flow = .failed }
        }
        return flow
    }
}
