import Foundation
import ZavaPostgres

/// One line of the audit trail: one statement, whoever ran it and however it ended. Never the
/// statement's literals nor its rows.
public struct AuditRecord: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case ok
        /// The SQLSTATE the statement failed with (`zava` for a refusal before it was sent).
        case error(sqlState: String)
    }

    /// Seconds since 1970 (UTC).
    public var time: Double
    public var frontend: String
    /// The identity's profile name (`seattle`, `headoffice`).
    public var identity: String
    public var storeID: Int?
    public var principal: String
    public var requestID: String?
    /// The W3C trace id the statement ran under, when tracing is on.
    public var traceID: String?
    public var fingerprint: String?
    public var statement: String
    public var rows: Int
    public var truncated: Bool
    public var durationMilliseconds: Double
    public var outcome: Outcome

    public init(time: Double, frontend: String, identity: String, storeID: Int?, principal: String, requestID: String?,
                traceID: String?, fingerprint: String?, statement: String, rows: Int, truncated: Bool,
                durationMilliseconds: Double, outcome: Outcome) {
        self.time = time
        self.frontend = frontend
        self.identity = identity
        self.storeID = storeID
        self.principal = principal
        self.requestID = requestID
        self.traceID = traceID
        self.fingerprint = fingerprint
        self.statement = statement
        self.rows = rows
        self.truncated = truncated
        self.durationMilliseconds = durationMilliseconds
        self.outcome = outcome
    }

    /// One JSON object and a newline. Written byte by byte (the keys are constants): it is made
    /// for every statement, on the request path.
    public var line: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(320 + statement.utf8.count + principal.utf8.count)
        func string(_ value: String?) {
            if let value { JSONString.append(value, to: &out) } else { out += "null".utf8 }
        }
        func integer(_ value: Int) { out += String(value).utf8 }
        out += #"{"time":""#.utf8
        Self.appendTimestamp(time, to: &out)
        out += #"","frontend":"#.utf8
        string(frontend)
        out += #","identity":"#.utf8
        string(identity)
        out += #","store_id":"#.utf8
        if let storeID { integer(storeID) } else { out += "null".utf8 }
        out += #","principal":"#.utf8
        string(principal)
        out += #","request_id":"#.utf8
        string(requestID)
        out += #","trace_id":"#.utf8
        string(traceID)
        out += #","fingerprint":"#.utf8
        string(fingerprint)
        out += #","statement":"#.utf8
        string(statement)
        out += #","rows":"#.utf8
        integer(rows)
        out += truncated ? #","truncated":true"#.utf8 : #","truncated":false"#.utf8
        // Milliseconds with three decimals (microseconds).
        let micros = Int((durationMilliseconds * 1000).rounded())
        out += #","duration_ms":"#.utf8
        integer(micros / 1000)
        out.append(UInt8(ascii: "."))
        let fraction = micros % 1000
        out += [UInt8(ascii: "0") + UInt8(fraction / 100), UInt8(ascii: "0") + UInt8(fraction / 10 % 10), UInt8(ascii: "0") + UInt8(fraction % 10)]
        switch outcome {
        case .ok:
            out += #","outcome":"ok","sqlstate":null}"#.utf8
        case .error(let sqlState):
            out += #","outcome":"error","sqlstate":"#.utf8
            string(sqlState)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// `2026-12-06T13:45:01.123Z`.
    public static func timestamp(_ time: Double) -> String {
        var out: [UInt8] = []
        appendTimestamp(time, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendTimestamp(_ time: Double, to out: inout [UInt8]) {
        var seconds = time_t(time.rounded(.down))
        let milliseconds = min(999, Int((time - Double(seconds)) * 1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        out.append(UInt8(ascii: "."))
        digits(milliseconds, 3)
        out.append(UInt8(ascii: "Z"))
    }

    /// A record read back from a line (`zava audit`); nil for a line that is not one.
    public init?(line: Substring) {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let timeText = object["time"] as? String, let time = Self.parseTimestamp(timeText),
              let frontend = object["frontend"] as? String, let identity = object["identity"] as? String,
              let principal = object["principal"] as? String, let statement = object["statement"] as? String
        else { return nil }
        let outcome: Outcome = (object["outcome"] as? String) == "error"
            ? .error(sqlState: object["sqlstate"] as? String ?? "?") : .ok
        self.init(time: time, frontend: frontend, identity: identity, storeID: object["store_id"] as? Int,
                  principal: principal, requestID: object["request_id"] as? String, traceID: object["trace_id"] as? String,
                  fingerprint: object["fingerprint"] as? String, statement: statement, rows: object["rows"] as? Int ?? 0,
                  truncated: object["truncated"] as? Bool ?? false,
                  durationMilliseconds: (object["duration_ms"] as? NSNumber)?.doubleValue ?? 0, outcome: outcome)
    }

    /// Seconds since 1970 for `2026-12-06T13:45:01.123Z` (or without the fraction).
    public static func parseTimestamp(_ text: String) -> Double? {
        let parts = text.split(separator: ".", maxSplits: 1)
        guard let head = parts.first else { return nil }
        let numbers = head.replacingOccurrences(of: "Z", with: "").split(whereSeparator: { "-T:".contains($0) }).map { Int32($0) }
        guard numbers.count == 6, numbers.allSatisfy({ $0 != nil }) else { return nil }
        let values = numbers.compactMap { $0 }
        guard (1...12).contains(values[1]), (1...31).contains(values[2]), values[3] < 24, values[4] < 60, values[5] < 61 else { return nil }
        var fields = tm()
        fields.tm_year = values[0] - 1900
        fields.tm_mon = values[1] - 1
        fields.tm_mday = values[2]
        fields.tm_hour = values[3]
        fields.tm_min = values[4]
        fields.tm_sec = values[5]
        var seconds = Double(timegm(&fields))
        if parts.count == 2, let fraction = Double("0." + parts[1].filter(\.isNumber)) { seconds += fraction }
        return seconds
    }
}
