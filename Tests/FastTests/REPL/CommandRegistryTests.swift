import Testing
@testable import ZavaREPL

/// `MetaCommand.commands` is the one list of commands: parsing, `:help` and completion read it.
@Suite struct CommandRegistryTests {
    @Test func everyNameBelongsToOneCommand() {
        let names = MetaCommand.commands.flatMap { $0.help.allNames }
        let repeated = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(repeated.isEmpty, "named twice: \(repeated)")
        for name in names {
            #expect(name == name.lowercased() && (name.hasPrefix(":") || name.hasPrefix("\\")), "\(name)")
        }
    }

    @Test func everyCommandHasHelp() {
        for command in MetaCommand.commands {
            let help = command.help
            #expect(!help.names.isEmpty && !help.usage.isEmpty && !help.summary.isEmpty && !help.details.isEmpty, "\(command)")
        }
        let list = CommandHelp.render(topic: nil)
        for command in MetaCommand.commands { #expect(list.contains(command.help.usage), "\(command)") }
    }

    @Test func helpFindsEveryName() {
        for command in MetaCommand.commands {
            let help = command.help
            let details = help.usage + "\n" + help.summary + ".\n\n" + help.details + "\n"
            for name in help.allNames {
                #expect(CommandHelp.render(topic: name) == details, "\(name)")
                #expect(CommandHelp.render(topic: name.uppercased()) == details, "\(name)")
            }
        }
    }

    /// Each name reaches its own command: it parses to it, or its own arguments are missing.
    @Test func everyNameParsesToItsCommand() {
        for command in MetaCommand.commands {
            for name in command.help.allNames {
                do {
                    let parsed = try MetaCommand.parse(name)
                    #expect(ObjectIdentifier(type(of: parsed)) == ObjectIdentifier(command), "\(name)")
                } catch {
                    #expect(!"\(error)".hasPrefix("unknown command"), "\(name): \(error)")
                }
            }
        }
        #expect(throws: MetaCommand.ParseError(description: "unknown command \\dx; type :help for the list")) {
            try MetaCommand.parse("\\dx pattern")
        }
    }

    /// Tab offers the listed names; psql's other spellings are accepted but not offered.
    @Test func completionOffersTheListedNames() {
        #expect(MetaCommand.names == MetaCommand.commands.flatMap { $0.help.names })
        #expect(MetaCommand.names.contains("\\q") && !MetaCommand.names.contains("\\quit"))
    }
}
