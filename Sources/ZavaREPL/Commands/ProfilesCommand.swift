import ZavaPostgres

/// `:profiles`: head office and every store, as identities to choose with `:as`.
struct ProfilesCommand: REPLCommand {
    static let help = CommandHelp(
        names: [":profiles"], usage: ":profiles", summary: "list the identities",
        details: "Lists headoffice and every store, read from retail.stores.")

    init(_ arguments: CommandArguments) {}

    func run(in repl: REPL) async throws -> REPL.Flow {
        let rows = repl.directory.identities.map { identity -> [PGValue] in
            [.text(identity.profile), identity.storeName.map(PGValue.text) ?? .text("(head office: every store)"),
             .uuid(identity.rlsUserID.lowercaseText)]
        }
        repl.show(QueryResult(columns: [REPL.textColumn("profile"), REPL.textColumn("store"), REPL.textColumn("rls_user_id")],
                              rows: rows))
        return .next
    }
}
