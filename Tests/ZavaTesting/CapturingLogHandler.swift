import Logging

/// A log handler that writes each line (level, message, sorted metadata) to a `LogSink`.
package struct CapturingLogHandler: LogHandler {
    let label: String
    let sink: LogSink
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .debug

    package init(label: String, sink: LogSink) {
        self.label = label
        self.sink = sink
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        sink.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }
}
