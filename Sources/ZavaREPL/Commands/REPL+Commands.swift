/// Running the `:` and backslash commands.
extension REPL {
    /// Runs one command line; `.failed` when it failed (the error is shown).
    func handleMeta(_ line: String) async -> Flow {
        // psql substitutes variables in its commands' arguments; a query that binds them does not.
        let substituted = line.hasPrefix("\\") && !Self.bindsVariables(line) ? variables.substitute(inCommand: line) : line
        do {
            let flow = try await MetaCommand.parse(substituted).run(in: self)
            out.flush()
            return flow
        } catch {
            report(error)
            return .failed
        }
    }

    /// Whether the line is a command whose query binds variables (`\copy`), read before
    /// substitution: a variable must not change which command it is.
    private static func bindsVariables(_ line: String) -> Bool {
        let lowercased = line.lowercased()
        return MetaCommand.commands.contains { command in
            command.bindsVariables && command.help.allNames.contains { lowercased.hasPrefix($0) }
        }
    }

    /// The statement typed so far (taken from the buffer), else the last one run; for `\g`,
    /// `\gset` and `\watch`.
    func bufferOrLast(_ command: String) throws -> String {
        if let pending = splitter.finish() { return pending }
        guard let lastStatement else { throw UsageError("\(command): no statement to run: type one first") }
        return lastStatement
    }
}
