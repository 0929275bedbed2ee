import Foundation

/// psql's `\watch [seconds]`: runs the statement typed so far (or the last one) again every
/// so often, with psql's title line, until Ctrl-C or until it fails.
struct WatchCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: ["\\watch"], usage: "\\watch [seconds]", summary: "run the statement again every few seconds until Ctrl-C",
        details: "Runs the statement typed so far (or the last one) every 2 seconds, or as many as given.")

    var seconds: Double

    func run(in repl: REPL) async throws -> REPL.Flow {
        let statement = try repl.bufferOrLast("\\watch")
        let interval = Duration.milliseconds(Int64(seconds * 1000))
        let interrupts = repl.editor?.interrupts
        _ = interrupts?.take()
        let title = DateFormatter()
        title.dateFormat = "EEE dd MMM yyyy HH:mm:ss"
        while true {
            repl.print("\(title.string(from: Date())) (every \(Self.interval(seconds)))\n")
            guard await repl.runStatement(statement) else { return .failed }
            let clock = ContinuousClock()
            let deadline = clock.now + interval
            while clock.now < deadline {
                if interrupts?.take() == true || Task.isCancelled { return .next }
                try? await Task.sleep(for: min(.milliseconds(50), deadline - clock.now))
            }
            if interrupts?.take() == true { return .next }
        }
    }

    /// `2s`, `0.5s`: the interval as psql's title shows it.
    private static func interval(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))s" : "\(value)s"
    }
}

extension WatchCommand {
    init(_ arguments: CommandArguments) throws {
        guard let rest = arguments.rest else {
            seconds = 2
            return
        }
        let text = rest.hasPrefix("i=") || rest.hasPrefix("interval=") ? String(rest.drop { $0 != "=" }.dropFirst()) : rest
        guard let seconds = Double(text), seconds > 0, seconds <= 86_400 else {
            throw MetaCommand.ParseError(description: "\\watch takes an interval in seconds, e.g. \\watch 5")
        }
        self.seconds = seconds
    }
}
