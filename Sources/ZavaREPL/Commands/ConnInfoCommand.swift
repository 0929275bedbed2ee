/// psql's `\conninfo`: where zava is connected, and as which identity statements run.
struct ConnInfoCommand: REPLCommand {
    static let help = CommandHelp(
        names: ["\\conninfo"], usage: "\\conninfo", summary: "the database, role, socket or host, and port",
        details: "Says where zava is connected, as psql does, and which identity statements run as.")

    init(_ arguments: CommandArguments) {}

    func run(in repl: REPL) async throws -> REPL.Flow {
        let session = try repl.currentSession()
        let result = try await session.run("""
            SELECT current_database(), current_user, coalesce(host(inet_server_addr()), 'a local socket'), current_setting('port')
            """)
        guard let row = result.rows.first, row.count == 4 else { return .next }
        let via = row[2].displayText == "a local socket" ? "via a local socket" : "on host \"\(row[2].displayText)\""
        repl.print("You are connected to database \"\(row[0].displayText)\" as user \"\(row[1].displayText)\" \(via) at port \"\(row[3].displayText)\".")
        if let identity = repl.identity {
            repl.print("Statements run as \(identity), rls_user_id \(identity.rlsUserID.uuidString.lowercased()).")
        }
        return .next
    }
}
