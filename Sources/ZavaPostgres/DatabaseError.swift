import CLibPQ

/// An error reported by the PostgreSQL server, with every field psql shows.
///
/// Front ends render it (`ERROR:`, `LINE n:` and a caret); tests match on `sqlState`.
public struct DatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var severity: String
    public var sqlState: String
    public var message: String
    public var detail: String?
    public var hint: String?
    /// 1-based character position in the statement, as the server reports it.
    public var position: Int?
    public var context: String?

    public init(severity: String = "ERROR", sqlState: String, message: String,
                detail: String? = nil, hint: String? = nil, position: Int? = nil, context: String? = nil) {
        self.severity = severity
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
        self.context = context
    }

    package init?(result: OpaquePointer?) {
        guard let result, PQresultStatus(result) == PGRES_FATAL_ERROR || PQresultStatus(result) == PGRES_NONFATAL_ERROR
        else { return nil }
        func field(_ code: Character) -> String? {
            guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii)) else { return nil }
            return String(cString: value)
        }
        let primary = field("M") ?? String(cString: PQresultErrorMessage(result))
        self.init(severity: field("V") ?? field("S") ?? "ERROR",
                  sqlState: field("C") ?? "XX000",
                  message: primary.trimmingTrailingNewlines(),
                  detail: field("D"), hint: field("H"),
                  position: field("P").flatMap { Int($0) },
                  context: field("W"))
    }

    public var description: String {
        var text = "\(severity):  \(message)"
        if let detail { text += "\nDETAIL:  \(detail)" }
        if let hint { text += "\nHINT:  \(hint)" }
        return text
    }

    /// The statement was cancelled (by the user, a timeout or the row cap).
    public var isCancellation: Bool { sqlState == "57014" }
}

/// A failure to reach or keep talking to the database (as opposed to an error in the statement).
public struct ConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Could not connect at all: server down, wrong address, bad credentials.
        case unavailable
        /// The connection broke while a request was using it.
        case lost
        /// Every pooled connection stayed busy for longer than the pool's wait limit.
        case busy
        /// The pool has been shut down.
        case closed
    }

    public var kind: Kind
    public var message: String
    /// For `.lost`: the connection was alive when the request began (its transaction started),
    /// so it broke while the statement ran, not while it sat idle in the pool.
    public var duringStatement: Bool

    public init(_ kind: Kind, _ message: String, duringStatement: Bool = false) {
        self.kind = kind
        self.message = message
        self.duringStatement = duringStatement
    }

    public var description: String {
        switch kind {
        case .unavailable: "database unavailable: \(message)"
        case .lost: "connection to the database was lost: \(message)"
        case .busy: "database busy: \(message)"
        case .closed: "connection pool is closed"
        }
    }
}

extension String {
    package func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }
}
