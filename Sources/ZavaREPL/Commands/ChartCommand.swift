/// `:chart [<label column> <value column>]`: the last result drawn in the terminal.
struct ChartCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: [":chart"], usage: ":chart [<label column> <value column>]",
        summary: "draw the last result: bars, or a sparkline over dates",
        details: """
            Draws the last result in the terminal: horizontal bars for a text label and a number (from a
            zero axis: negative values to its left), or a sparkline with its min and max when the label is
            a date or time. With no columns named, the chart picks them when the result has one label and
            one numeric column; with two labels and a number (month, store, revenue) it draws one
            sparkline, or group of bars, per value of the second label (at most 20).
            Example: select store_name, sum(total) from ... group by 1;  then  :chart
            """)

    /// Both nil: the chart picks the columns.
    var label: String?
    var value: String?

    func run(in repl: REPL) async throws -> REPL.Flow {
        guard let lastResult = repl.lastResult else { throw UsageError("no result to chart yet: run a query first") }
        let terminal = TerminalInfo.current()
        repl.out.write(try ChartRenderer(width: terminal.columns, unicode: terminal.unicode)
            .render(lastResult, label: label, value: value))
        return .next
    }
}

extension ChartCommand {
    init(_ arguments: CommandArguments) throws {
        switch arguments.words.count {
        case 0: break
        case 2:
            label = arguments.words[0]
            value = arguments.words[1]
        default:
            throw MetaCommand.ParseError(description: ":chart takes no columns (it picks them) or two: :chart <label column> <value column>")
        }
    }
}
