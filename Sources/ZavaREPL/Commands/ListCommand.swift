import ZavaCore

/// psql's `\dn`, `\df`, `\dv`, `\du`, `\l` with an optional psql-style pattern.
struct ListCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: ["\\dn", "\\df", "\\dv", "\\du", "\\l"],
        unlisted: ["\\dn+", "\\df+", "\\dv+", "\\du+", "\\dg", "\\l+", "\\list"],
        usage: "\\dn \\df \\dv \\du \\l [pattern]",
        summary: "list schemas, functions, views, roles, databases",
        details: "As psql's: a pattern narrows the list (* any text, ? one character, schema.name).\nExample: \\df retail.*")

    var listing: CatalogListing
    var pattern: String?

    func run(in repl: REPL) async throws -> REPL.Flow {
        let analyst = try repl.analyst()
        let (listing, pattern) = (self.listing, self.pattern)
        try await repl.runShowing { try await analyst.list(listing, pattern: pattern) }
        return .next
    }
}

extension ListCommand {
    init(_ arguments: CommandArguments) {
        let listing: CatalogListing = switch arguments.name.lowercased().prefix(3) {
        case "\\dn": .schemas
        case "\\df": .functions
        case "\\dv": .views
        case "\\du", "\\dg": .roles
        default: .databases
        }
        self.init(listing: listing, pattern: arguments.rest)
    }
}
