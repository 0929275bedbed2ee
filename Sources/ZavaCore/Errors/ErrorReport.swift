import ZavaPostgres

/// An error as it is told to someone: the one place an error becomes user text, whatever the
/// front end. The REPL lays it out as psql does (with a caret under the position), a tool reply
/// and the command line print `text`.
public struct ErrorReport: Sendable, Equatable {
    /// Who is told. The person at this machine may see everything libpq says; a remote client
    /// (an MCP agent) is not told the database's host, port or socket path: the log is.
    public enum Audience: Sendable {
        case local, remote
    }

    /// `ERROR`, `FATAL` ... for the server's errors; nil for zava's own, which need no label.
    public var severity: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// 1-based character position in the statement, as the server reports it.
    public var position: Int?
    public var sqlState: String?
    /// What the log may know beyond the message (set only when the message says less).
    public var logDetail: String?

    public init(_ error: any Error, for audience: Audience) {
        switch error {
        case let error as DatabaseError:
            severity = error.severity
            message = error.message
            detail = error.detail
            hint = error.hint ?? Self.hint(for: error, audience: audience)
            position = error.position
            sqlState = error.sqlState
        case let error as ConnectionError where audience == .remote && [.unavailable, .lost].contains(error.kind):
            message = error.kind == .unavailable
                ? "database unavailable: zava cannot reach PostgreSQL right now; try again shortly"
                : "connection to the database was lost while the statement ran; try again"
            logDetail = error.description
        case is CancellationError:
            message = "the request was cancelled"
        default:
            message = String(describing: error)
        }
    }

    /// What zava knows better than the server's message, where the server gave no hint: the
    /// mistakes people and models make most, and how to list what exists instead.
    static func hint(for error: DatabaseError, audience: Audience) -> String? {
        let tables = audience == .remote ? "get_multiple_table_schemas" : ":tables and :describe"
        switch error.sqlState {
        case "42601" where error.message.contains("multiple commands"):
            return "Send one statement at a time" + (audience == .remote ? " (one per call)." : ".")
        case "42P01":
            return "The tables are in the retail schema (retail.orders, retail.order_items, retail.products, ...); \(tables) list them."
        case "42703":
            return "\(tables) show each table's columns."
        default:
            return nil
        }
    }

    /// psql's lines (`ERROR:  message`, `DETAIL:`, `HINT:`) and, for a server error with a
    /// position, which character of the statement it points at; zava's own errors are the
    /// message alone.
    public var text: String {
        guard let severity else { return message }
        var text = "\(severity):  \(message)"
        if let detail { text += "\nDETAIL:  \(detail)" }
        if let hint { text += "\nHINT:  \(hint)" }
        if let position { text += "\nPOSITION: character \(position) of the statement" }
        return text
    }
}
