/// `:server`: with `zava --serve`, the MCP endpoint's address, how it authenticates, counters and pool.
struct ServerCommand: REPLCommand {
    static let help = CommandHelp(
        names: [":server"], usage: ":server",
        summary: "the MCP endpoint's address, auth mode, sessions, requests in flight and pool use (with --serve)",
        details: "With zava --serve, shows the MCP endpoint's address, how it authenticates requests (verified or development "
            + "JWTs, static tokens or the x-rls-user-id header; with verified tokens the signing keys and their last refresh), "
            + "its counters and the connection pool.")

    init(_ arguments: CommandArguments) {}

    func run(in repl: REPL) async throws -> REPL.Flow {
        repl.print(await repl.serverStatus?() ?? "No MCP endpoint in this process: start zava with --serve.")
        return .next
    }
}
