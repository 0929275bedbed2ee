import CEditLine
import Foundation

/// What the REPL needs to know about the terminal it draws on.
struct TerminalInfo: Sendable {
    var rows: Int
    var columns: Int
    /// Whether UTF-8 block characters can be drawn (else charts fall back to ASCII).
    var unicode: Bool

    /// Asks the terminal on `fd`; `COLUMNS`/`LINES`, then 80×24, when it cannot say.
    static func current(fd: Int32 = STDOUT_FILENO, environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalInfo {
        var rows: Int32 = 0, columns: Int32 = 0
        let known = zava_terminal_size(fd, &rows, &columns) != 0
        return TerminalInfo(rows: known ? Int(rows) : environment["LINES"].flatMap(Int.init) ?? 24,
                            columns: known ? Int(columns) : environment["COLUMNS"].flatMap(Int.init) ?? 80,
                            unicode: isUTF8(environment))
    }

    /// The locale's character set, as the C library would choose it (LC_ALL, LC_CTYPE, LANG).
    static func isUTF8(_ environment: [String: String]) -> Bool {
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        let lower = locale.lowercased()
        return lower.contains("utf-8") || lower.contains("utf8")
    }
}
