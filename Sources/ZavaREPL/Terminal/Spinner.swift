import Foundation

/// Shows that a slow statement is still running: a spinner and the elapsed time on stderr.
struct Spinner {
    /// Statements quicker than this never show it.
    static let delay: Duration = .milliseconds(500)
    /// A frame per tenth of a second, as the elapsed time shows tenths.
    static let interval: Duration = .milliseconds(100)
    var unicode: Bool

    private var frames: [String] { unicode ? ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] : ["|", "/", "-", "\\"] }

    /// The line for `elapsed` (drawn over itself with a carriage return).
    func frame(elapsed: Duration) -> String {
        let tenths = Int(elapsed.components.seconds) * 10 + Int(elapsed.components.attoseconds / 100_000_000_000_000_000)
        let frame = frames[tenths % frames.count]
        return "\r\(frame) \(tenths / 10).\(tenths % 10) s  (Ctrl-C cancels)"
    }

    /// Draws on `errors` from `delay` after `start` until the task is cancelled, sleeping
    /// between frames; whether it drew anything (a line to erase).
    func spin(on errors: OutputBuffer, since start: ContinuousClock.Instant) async -> Bool {
        var next = start + Self.delay
        var drawn = false
        while (try? await Task.sleep(until: next, clock: .continuous)) != nil {
            errors.write(frame(elapsed: ContinuousClock.now - start))
            errors.flush()
            drawn = true
            next += Self.interval
        }
        return drawn
    }

    /// Erases the spinner's line.
    static let clear = "\r\u{1B}[K"
}
