/// psql's `\gset [prefix]`: runs the statement and keeps its one row's values as variables.
struct GsetCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: ["\\gset"], usage: "\\gset [prefix]", summary: "run the statement and keep its one row's values as variables",
        details: "Each column becomes a variable (prefix + column name); NULL unsets it.\nExample: select count(*) as n from orders \\gset   then   select :n::int / 12 as per_month;")

    var prefix: String

    func run(in repl: REPL) async throws -> REPL.Flow {
        let statement = try repl.bufferOrLast("\\gset")
        repl.lastStatement = statement
        let (sql, parameters) = repl.variables.bind(statement)
        let session = try repl.currentSession()
        let result = try await repl.cancellable { try await session.run(sql, parameters: parameters) }
        guard result.rows.count == 1, let row = result.rows.first else {
            throw UsageError("\\gset: the statement must return exactly one row (it returned \(result.rows.count))")
        }
        for (column, value) in zip(result.columns, row) {
            let name = prefix + column.name
            guard Variables.isValidName(name) else { throw UsageError("\\gset: \(name) is not a valid variable name") }
            repl.variables[name] = value.isNull ? nil : value.displayText
        }
        return .next
    }
}

extension GsetCommand {
    init(_ arguments: CommandArguments) { prefix = arguments.rest ?? "" }
}
