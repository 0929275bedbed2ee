/// psql's variables (`\set`, `\gset`) and their use in SQL. `:name` and `:'name'` become
/// bind parameters (`$1`), never text spliced into the statement, so a value can hold any
/// quote or semicolon and stay one value; `:"name"` becomes a quoted identifier (an identifier
/// cannot be a parameter, and quoting keeps it one). Names that are not set stay as typed, as
/// in psql, and `::` casts and quoted text are left alone.
public struct Variables: Sendable, Equatable {
    public private(set) var values: [String: String] = [:]

    public init() {}

    public subscript(name: String) -> String? {
        get { values[name] }
        set { values[name] = newValue }
    }

    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(SQLLexer.isIdentifier)
    }

    /// `statement` with its variable references replaced, and the parameters they became,
    /// numbered after `existing` (a saved query's arguments, its `$1 ... $n`, come first).
    public func bind(_ statement: String, after existing: [String?] = []) -> (sql: String, parameters: [String?]) {
        guard !values.isEmpty, statement.utf8.contains(UInt8(ascii: ":")) else { return (statement, existing) }
        let bytes = Array(statement.utf8)
        var references: [(range: Range<Int>, name: String, kind: UInt8)] = []
        var skipUntil = 0
        _ = SQLLexer.walk(bytes) { i in
            guard i >= skipUntil, bytes[i] == UInt8(ascii: ":") else { return true }
            if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ":") { skipUntil = i + 2; return true }
            if i > 0, bytes[i - 1] == UInt8(ascii: ":") { return true }
            if let reference = reference(in: bytes, at: i) {
                references.append(reference)
                skipUntil = reference.range.upperBound
            }
            return true
        }
        guard !references.isEmpty else { return (statement, existing) }
        var out: [UInt8] = []
        var parameters = existing
        var numbers: [String: Int] = [:]
        var last = 0
        for reference in references {
            out += bytes[last..<reference.range.lowerBound]
            let value = values[reference.name] ?? ""
            if reference.kind == UInt8(ascii: "\"") {
                out += Array(("\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"").utf8)
            } else {
                let number = numbers[reference.name] ?? {
                    parameters.append(value)
                    return parameters.count
                }()
                numbers[reference.name] = number
                out += Array("$\(number)".utf8)
            }
            last = reference.range.upperBound
        }
        out += bytes[last...]
        return (String(decoding: out, as: UTF8.self), parameters)
    }

    /// A backslash command's line with references to set variables replaced by their values,
    /// as psql does (`\\echo :n`, `\\o :file`): `:'name'` becomes a quoted argument. The line
    /// is the user's own command, never SQL sent anywhere.
    public func substitute(inCommand line: String) -> String {
        guard !values.isEmpty, line.contains(":") else { return line }
        let bytes = Array(line.utf8)
        var out: [UInt8] = []
        var i = 0
        var quoted = false
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "'") {
                quoted.toggle()
            } else if !quoted, bytes[i] == UInt8(ascii: ":"), !(i > 0 && bytes[i - 1] == UInt8(ascii: ":")),
                      let reference = reference(in: bytes, at: i) {
                let value = values[reference.name] ?? ""
                let text = reference.kind == UInt8(ascii: ":") ? value : "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
                out += Array(text.utf8)
                i = reference.range.upperBound
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A set variable's reference at `colon`: `:name`, `:'name'` or `:"name"`.
    private func reference(in bytes: [UInt8], at colon: Int) -> (range: Range<Int>, name: String, kind: UInt8)? {
        var i = colon + 1
        guard i < bytes.count else { return nil }
        let quote = bytes[i] == UInt8(ascii: "'") || bytes[i] == UInt8(ascii: "\"") ? bytes[i] : nil
        if quote != nil { i += 1 }
        let start = i
        while i < bytes.count, SQLLexer.isIdentifier(bytes[i]) { i += 1 }
        guard i > start else { return nil }
        let name = String(decoding: bytes[start..<i], as: UTF8.self)
        if let quote {
            guard i < bytes.count, bytes[i] == quote else { return nil }
            i += 1
        }
        guard values[name] != nil else { return nil }
        return (colon..<i, name, quote ?? UInt8(ascii: ":"))
    }
}
