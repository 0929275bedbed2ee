import Foundation

/// Shows that a slow statement is still running: a spinner and the elapsed time on stderr.
struct Spinner {
    /// Statements quicker than this never show it.
    static let delay: Duration = .milliseconds(500)
    var unicode: Bool

    private var frames: [String] { unicode ? ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] : ["|", "/", "-", "\\"] }

    /// The line for `elapsed` (drawn over itself with a carriage return).
    func frame(elapsed: Duration) -> String {
        let tenths = Int(elapsed.components.seconds) * 10 + Int(elapsed.components.attoseconds / 100_000_000_000_000_000)
        let frame = frames[tenths % frames.count]
        return "\r\(frame) \(tenths / 10).\(tenths % 10) s  (Ctrl-C cancels)"
    }

    /// Erases the spinner's line.
    static let clear = "\r\u{1B}[K"
}
