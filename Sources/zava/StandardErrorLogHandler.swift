import Foundation
import Logging
import ZavaCore
import ZavaPostgres
import ZavaSpans

/// The server's log lines on standard error, one `write(2)` each so lines of concurrent
/// requests never interleave. Text is swift-log's `StreamLogHandler` layout (`time level label:
/// key=value ... [source] message`); JSON (`--log-format json`) is one object per line with the
/// same fields as keys. Metadata is turned into text only when a line is written:
/// `StreamLogHandler` formats it each time it changes, and Hummingbird sets a request id on its
/// logger for every request, which cost a twentieth of the server's CPU per call in lines that
/// were mostly never written. With tracing on, each line carries the current `trace_id` and
/// `span_id`, so a line leads to its trace.
struct StandardErrorLogHandler: LogHandler {
    let label: String
    let format: TelemetrySettings.LogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String, format: TelemetrySettings.LogFormat = .text) {
        self.label = label
        self.format = format
    }

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
        if Trace.isOn, let span = Trace.current {
            merged["trace_id"] = "\(span.traceID)"
            merged["span_id"] = "\(span.spanID)"
        }
        var line: [UInt8]
        switch format {
        case .text:
            var text = "\(Self.timestamp()) \(event.level) \(label):"
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
            text += " [\(event.source)] \(event.message)\n"
            line = Array(text.utf8)
        case .json:
            line = Array("{\"time\":".utf8)
            JSONString.append(Self.timestamp(), to: &line)
            for (key, value) in [("level", "\(event.level)"), ("logger", label), ("message", "\(event.message)"), ("source", event.source)] {
                line.append(UInt8(ascii: ","))
                JSONString.append(key, to: &line)
                line.append(UInt8(ascii: ":"))
                JSONString.append(value, to: &line)
            }
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                line.append(UInt8(ascii: ","))
                JSONString.append(key, to: &line)
                line.append(UInt8(ascii: ":"))
                JSONString.append("\(value)", to: &line)
            }
            line.append(contentsOf: "}\n".utf8)
        }
        _ = line.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
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
