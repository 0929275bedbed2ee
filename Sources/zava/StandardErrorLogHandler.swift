import Foundation
import Logging

/// The server's log lines on standard error, in swift-log's `StreamLogHandler` layout
/// (`time level label: key=value ... [source] message`), with metadata turned into text only
/// when a line is written. `StreamLogHandler` formats its metadata each time it changes, and
/// Hummingbird sets a request id on its logger for every request: that formatting was about a
/// twentieth of the server's CPU per tool call, for lines that were mostly never written.
struct StandardErrorLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        var line = "\(Self.timestamp()) \(event.level) \(label):"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        line += " [\(event.source)] \(event.message)\n"
        // One write(2) per line, so lines of concurrent requests never interleave.
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    private static func timestamp() -> String {
        var now = time(nil)
        var local = tm()
        var buffer = [CChar](repeating: 0, count: 64)
        guard localtime_r(&now, &local) != nil else { return "-" }
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        guard length > 0 else { return "-" }
        return String(decoding: buffer[..<length].map(UInt8.init(bitPattern:)), as: UTF8.self)
    }
}
