/// Observability settings: the audit trail, the log format and whether OpenTelemetry is on.
///
/// OpenTelemetry is configured only by the standard `OTEL_*` variables (the exporter reads them
/// itself); zava decides just whether to start it: only when one of them names an exporter or an
/// endpoint, and never when `OTEL_SDK_DISABLED=true`. Off, no tracer, meter or exporter exists.
public struct TelemetrySettings: Sendable, Equatable {
    public enum LogFormat: String, Sendable, CaseIterable {
        case text
        /// One JSON object per line.
        case json
    }

    /// The audit trail's file. `ZAVA_AUDIT_LOG`; nil records nothing.
    public var auditLogPath: String?
    /// Size at which the audit file is rotated. `ZAVA_AUDIT_MAX_MB`, default 64.
    public var auditMaxBytes: Int
    /// Rotated files kept. `ZAVA_AUDIT_KEEP`, default 5.
    public var auditKeep: Int
    /// `ZAVA_LOG_FORMAT` (`--log-format` wins).
    public var logFormat: LogFormat
    /// Whether to start OpenTelemetry.
    public var openTelemetry: Bool
    /// Whether it exports traces (unless `OTEL_TRACES_EXPORTER=none`).
    public var exportsTraces: Bool
    /// Whether it exports metrics (unless `OTEL_METRICS_EXPORTER=none`).
    public var exportsMetrics: Bool
    /// The `OTEL_*` values, from the environment or `.env`.
    public var otelValues: [String: String]

    static let endpointKeys = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                               "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"]
    static let exporterKeys = ["OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER"]

    init(_ keys: SettingValues, values: [String: String], directory: String) throws {
        auditLogPath = keys.string("ZAVA_AUDIT_LOG").map { $0.hasPrefix("/") ? $0 : directory + "/" + $0 }
        auditMaxBytes = try keys.integer("ZAVA_AUDIT_MAX_MB", 64, range: 1...100_000) << 20
        auditKeep = try keys.integer("ZAVA_AUDIT_KEEP", 5, range: 1...1_000)
        logFormat = try keys.string("ZAVA_LOG_FORMAT").map { text in
            guard let format = LogFormat(rawValue: text.lowercased()) else {
                throw ConfigurationError(key: "ZAVA_LOG_FORMAT", value: text,
                                         expected: LogFormat.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return format
        } ?? .text
        let otel = values.filter { $0.key.hasPrefix("OTEL_") && !$0.value.isEmpty }
        otelValues = otel
        let disabled = otel["OTEL_SDK_DISABLED"]?.lowercased() == "true"
        let endpoint = Self.endpointKeys.contains { otel[$0] != nil }
        let exporter = Self.exporterKeys.contains { key in
            otel[key].map { $0.lowercased() != "none" } ?? false
        }
        openTelemetry = !disabled && (endpoint || exporter)
        exportsTraces = openTelemetry && otel["OTEL_TRACES_EXPORTER"]?.lowercased() != "none"
        exportsMetrics = openTelemetry && otel["OTEL_METRICS_EXPORTER"]?.lowercased() != "none"
    }
}
