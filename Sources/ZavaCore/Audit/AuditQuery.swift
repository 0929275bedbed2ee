import Foundation

/// Which records of the audit trail `zava audit` shows.
public struct AuditQuery: Sendable, Equatable {
    public var identity: String?
    public var frontend: String?
    public var fingerprint: String?
    /// Seconds since 1970, inclusive.
    public var since: Double?
    /// Seconds since 1970, exclusive.
    public var until: Double?

    public init(identity: String? = nil, frontend: String? = nil, fingerprint: String? = nil, since: Double? = nil, until: Double? = nil) {
        self.identity = identity
        self.frontend = frontend
        self.fingerprint = fingerprint
        self.since = since
        self.until = until
    }

    public func matches(_ record: AuditRecord) -> Bool {
        if let identity, record.identity.lowercased() != identity.lowercased() { return false }
        if let frontend, record.frontend != frontend { return false }
        if let fingerprint, record.fingerprint?.lowercased() != fingerprint.lowercased() { return false }
        if let since, record.time < since { return false }
        if let until, record.time >= until { return false }
        return true
    }

    /// The matching records of every file of the trail at `path` (rotated ones first), oldest
    /// first, and how many lines could not be read as records.
    public func read(path: String, keep: Int = 5) throws -> (records: [AuditRecord], unreadable: Int) {
        var records: [AuditRecord] = []
        var unreadable = 0
        let files = AuditLog.files(at: path, keep: keep)
        guard !files.isEmpty else { throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                guard let record = AuditRecord(line: line) else { unreadable += 1; continue }
                if matches(record) { records.append(record) }
            }
        }
        return (records, unreadable)
    }

    /// A time given on the command line: `2026-12-06`, `2026-12-06T14:00` (UTC, `Z` optional,
    /// seconds optional), or a span back from now: `90m`, `24h`, `7d`.
    public static func parseTime(_ text: String, now: Double = Date().timeIntervalSince1970) -> Double? {
        if let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 {
            switch unit {
            case "s": return now - amount
            case "m": return now - amount * 60
            case "h": return now - amount * 3_600
            case "d": return now - amount * 86_400
            default: break
            }
        }
        var value = text.hasSuffix("Z") ? String(text.dropLast()) : text
        if value.count == 10 { value += "T00:00:00" }
        if value.count == 16 { value += ":00" }
        return AuditRecord.parseTimestamp(value)
    }
}
