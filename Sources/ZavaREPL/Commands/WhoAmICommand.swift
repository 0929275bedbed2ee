/// `:whoami`: the identity statements run as.
struct WhoAmICommand: REPLCommand {
    static let help = CommandHelp(
        names: [":whoami"], usage: ":whoami", summary: "show the current identity",
        details: "Shows the identity statements run as, with its rls_user_id, and the dates that have orders.")

    init(_ arguments: CommandArguments) {}

    func run(in repl: REPL) async throws -> REPL.Flow {
        if let identity = repl.identity {
            repl.print("\(identity), rls_user_id \(identity.rlsUserID.uuidString.lowercased()).\(await repl.orderDatesNote())")
        } else {
            repl.print("No identity: queries are refused until you choose one with :as.")
        }
        return .next
    }
}
