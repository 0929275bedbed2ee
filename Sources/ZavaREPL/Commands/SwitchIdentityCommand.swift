/// `:as <profile>`: the identity every statement runs as from now on.
struct SwitchIdentityCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: [":as", "\\as"], usage: ":as <profile>",
        summary: "run as headoffice or a store (seattle, bellevue, ...)",
        details: """
            Every statement runs as one identity; row-level security shows a store only its own orders,
            order items, inventory and customers, whatever the SQL. A profile (seattle), a full store
            name (Zava Retail Seattle) or an rls_user_id works. Examples: :as seattle   :as headoffice
            """)

    /// A profile, a store's name or an rls_user_id.
    var profile: String

    static func completion(after name: String) -> ArgumentCompletion { .profiles }

    func run(in repl: REPL) async throws -> REPL.Flow {
        repl.identity = try repl.directory.resolve(profile)
        repl.print("You are now \(repl.identity?.description ?? "").\(await repl.orderDatesNote())")
        return .next
    }
}

extension SwitchIdentityCommand {
    init(_ arguments: CommandArguments) throws {
        guard let profile = arguments.rest else {
            throw MetaCommand.ParseError(description: ":as needs a profile, e.g. :as seattle (see :profiles)")
        }
        self.profile = profile
    }
}
