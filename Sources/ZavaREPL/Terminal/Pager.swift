import CEditLine
import Foundation
import ZavaCore

/// Results taller than the screen go through `$PAGER` (default `less -SRXF`); shorter ones,
/// even wide ones, are printed (the terminal wraps them, and a pager would only take the
/// screen and the keys typed ahead).
struct Pager {
    var command: String
    var enabled: Bool

    init(enabled: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.enabled = enabled
        command = environment["PAGER"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } ?? "less -SRXF"
    }

    /// Whether `text` is taller than the screen (less a line for the prompt).
    static func needsPaging(_ text: String, terminal: TerminalInfo) -> Bool {
        var lines = 0
        for byte in text.utf8 where byte == 10 {
            lines += 1
            if lines >= terminal.rows { return true }
        }
        return false
    }

    /// Shows `text` through the pager; false when it was not used (the caller prints instead).
    func page(_ text: String, terminal: TerminalInfo) -> Bool {
        guard enabled, Self.needsPaging(text, terminal: terminal) else { return false }
        guard let status = try? Subprocess.runFeeding(Array(text.utf8), to: "/bin/sh", ["-c", command]) else { return false }
        _ = zava_take_sigint() // Ctrl-C in the pager was the pager's
        // 126/127: the shell could not run the pager, so nothing was shown.
        return status != 126 && status != 127
    }
}
