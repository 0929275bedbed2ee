import ZavaCore
import ZavaPostgres

/// Errors the way psql shows them (`ErrorReport` decides what is said): the server's
/// message, `LINE n:` with the statement's line, and a caret under the reported position.
public enum ErrorRenderer {
    public static func render(_ error: Error, statement: String? = nil, colour: Bool = false) -> String {
        let report = ErrorReport(error, for: .local)
        let red = colour ? "\u{1B}[31m" : "", reset = colour ? "\u{1B}[0m" : ""
        var out = "\(red)\(report.severity ?? "ERROR"):\(reset)  \(report.message)\n"
        if let position = report.position, let statement {
            out += caret(statement: statement, position: position)
        }
        if let detail = report.detail { out += "DETAIL:  \(detail)\n" }
        if let hint = report.hint { out += "HINT:  \(hint)\n" }
        return out
    }

    /// `LINE 2: select foo` and a caret under the character at 1-based `position`.
    static func caret(statement: String, position: Int) -> String {
        let characters = Array(statement)
        let offset = min(max(0, position - 1), characters.count)
        var lineStart = 0, lineNumber = 1
        for index in 0..<offset where characters[index] == "\n" {
            lineStart = index + 1
            lineNumber += 1
        }
        var lineEnd = lineStart
        while lineEnd < characters.count, characters[lineEnd] != "\n" { lineEnd += 1 }
        let line = String(characters[lineStart..<lineEnd]).replacingOccurrences(of: "\t", with: " ")
        let prefix = "LINE \(lineNumber): "
        let column = DisplayWidth.of(String(characters[lineStart..<offset]))
        return prefix + line + "\n" + String(repeating: " ", count: prefix.count + column) + "^\n"
    }
}
