/// A command's names and `:help` text: one line each in the list, details for one command.
struct CommandHelp: Sendable {
    /// The names `:help` and Tab completion offer; the first is the command's own.
    var names: [String]
    /// Further spellings accepted (psql's long forms, `+` variants) that Tab does not offer.
    var unlisted: [String] = []
    var usage: String
    var summary: String
    var details: String

    /// Every name the command answers to.
    var allNames: [String] { names + unlisted }

    /// Every command's help, in the order `:help` lists them.
    static var all: [CommandHelp] { MetaCommand.commands.map { $0.help } }

    static func render(topic: String?) -> String {
        if let topic {
            let key = topic.hasPrefix(":") || topic.hasPrefix("\\") ? topic : ":" + topic
            guard let entry = MetaCommand.command(named: key)?.help else {
                return "No help for \(topic); type :help for the list.\n"
            }
            return entry.usage + "\n" + entry.summary + ".\n\n" + entry.details + "\n"
        }
        let all = all
        let width = all.map { DisplayWidth.of($0.usage) }.filter { $0 <= 44 }.max() ?? 0
        let lines = all.map { entry in
            DisplayWidth.of(entry.usage) <= width
                ? "  " + DisplayWidth.pad(entry.usage, to: width) + "  " + entry.summary
                : "  " + entry.usage + "\n  " + String(repeating: " ", count: width) + "  " + entry.summary
        }
        return "Commands (SQL statements end with ;  Tab completes; :help <command> for details):\n"
            + lines.joined(separator: "\n") + "\n"
    }
}
