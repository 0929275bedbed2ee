/// `:whoami`: the identity statements run as.
struct WhoAmICommand: REPLCommand {
    static let help = CommandHelp(
        names: [":whoami"], usage: ":whoami", summary: "show the current identity",
        details: "Shows the identity statements run as, with its rls_user_id, and the dates that have orders.")

    init(_ arguments: CommandArguments) {}

    func run(in repl: REPL) async throws -> REPL.Flow {
        if repl.identity != nil {
            let whoami = try await repl.analyst().whoami()
            let identity = whoami.identity
            repl.print("\(identity), rls_user_id \(identity.rlsUserID.lowercaseText).\(whoami.orderDatesNote)")
        } else {
            repl.print("No identity: queries are refused until you choose one with :as.")
        }
        return .next
    }
}
