/// psql's `\conninfo`: where zava is connected, and as which identity statements run.
struct ConnInfoCommand: REPLCommand {
    static let help = CommandHelp(
        names: ["\\conninfo"], usage: "\\conninfo", summary: "the database, role, socket or host, and port",
        details: "Says where zava is connected, as psql does, and which identity statements run as.")

    init(_ arguments: CommandArguments) {}

    func run(in repl: REPL) async throws -> REPL.Flow {
        let info = try await repl.analyst().connectionInfo()
        let via = info.host.map { "on host \"\($0)\"" } ?? "via a local socket"
        repl.print("You are connected to database \"\(info.database)\" as user \"\(info.user)\" \(via) at port \"\(info.port)\".")
        if let identity = repl.identity {
            repl.print("Statements run as \(identity), rls_user_id \(identity.rlsUserID.lowercaseText).")
        }
        return .next
    }
}
