import Foundation

/// What the standard `OTEL_*` variables say about traces: where spans go, how they are sampled
/// and batched, and the resource they describe (the OpenTelemetry SDK's environment variable
/// specification, the parts a server exporting OTLP/HTTP uses).
public struct TracingConfiguration: Sendable, Equatable {
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`.
    public var endpoint: URL
    /// `OTEL_EXPORTER_OTLP_HEADERS`, then `OTEL_EXPORTER_OTLP_TRACES_HEADERS` (`key=value,...`).
    public var headers: [String: String]
    /// One export request's limit. `OTEL_EXPORTER_OTLP[_TRACES]_TIMEOUT`, milliseconds, default 10 s.
    public var timeout: Duration
    public var sampler: Sampler
    /// How often spans are exported. `OTEL_BSP_SCHEDULE_DELAY`, milliseconds, default 5 s.
    public var scheduleDelay: Duration
    /// Spans waiting beyond this many are dropped (and counted). `OTEL_BSP_MAX_QUEUE_SIZE`, default 2048.
    public var maxQueueSize: Int
    /// Spans per export request; a full batch is exported at once. `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, default 512.
    public var maxExportBatchSize: Int
    /// `OTEL_RESOURCE_ATTRIBUTES` with `service.name` from `OTEL_SERVICE_NAME` (default `zava`).
    public var resource: [String: String]

    /// Reads `environment` (the `OTEL_*` values); a value that cannot be used is an error naming it.
    public init(environment: [String: String]) throws {
        func value(_ key: String) -> String? {
            environment[key].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func milliseconds(_ keys: [String], default fallback: Int) throws -> Duration {
            guard let key = keys.first(where: { value($0) != nil }), let text = value(key) else { return .milliseconds(fallback) }
            guard let number = Int(text), number >= 0 else { throw TracingConfigurationError(key: key, value: text, expected: "milliseconds") }
            return .milliseconds(number)
        }
        func count(_ key: String, default fallback: Int) throws -> Int {
            guard let text = value(key) else { return fallback }
            guard let number = Int(text), number > 0 else { throw TracingConfigurationError(key: key, value: text, expected: "a positive count") }
            return number
        }

        let protocolKey = value("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") == nil ? "OTEL_EXPORTER_OTLP_PROTOCOL" : "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
        if let transport = value(protocolKey), transport != "http/protobuf" {
            throw TracingConfigurationError(key: protocolKey, value: transport, expected: "http/protobuf (the OTLP/HTTP exporter zava has)")
        }
        if let exporter = value("OTEL_TRACES_EXPORTER"), !["otlp", "none"].contains(exporter.lowercased()) {
            throw TracingConfigurationError(key: "OTEL_TRACES_EXPORTER", value: exporter, expected: "otlp or none")
        }
        if let endpoint = value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
            self.endpoint = try Self.url(endpoint, key: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        } else {
            let base = value("OTEL_EXPORTER_OTLP_ENDPOINT") ?? "http://localhost:4318"
            let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
            self.endpoint = try Self.url(trimmed + "/v1/traces", key: "OTEL_EXPORTER_OTLP_ENDPOINT")
        }
        headers = try Self.pairs(value("OTEL_EXPORTER_OTLP_HEADERS"), key: "OTEL_EXPORTER_OTLP_HEADERS")
            .merging(try Self.pairs(value("OTEL_EXPORTER_OTLP_TRACES_HEADERS"), key: "OTEL_EXPORTER_OTLP_TRACES_HEADERS")) { $1 }
        timeout = try milliseconds(["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"], default: 10_000)
        sampler = try Sampler(name: value("OTEL_TRACES_SAMPLER"), argument: value("OTEL_TRACES_SAMPLER_ARG"))
        scheduleDelay = try milliseconds(["OTEL_BSP_SCHEDULE_DELAY"], default: 5_000)
        maxQueueSize = try count("OTEL_BSP_MAX_QUEUE_SIZE", default: 2_048)
        maxExportBatchSize = min(try count("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", default: 512), maxQueueSize)
        var resource = try Self.pairs(value("OTEL_RESOURCE_ATTRIBUTES"), key: "OTEL_RESOURCE_ATTRIBUTES")
        resource["service.name"] = value("OTEL_SERVICE_NAME") ?? resource["service.name"] ?? "zava"
        resource["telemetry.sdk.name"] = "zava"
        resource["telemetry.sdk.language"] = "swift"
        self.resource = resource
    }

    private static func url(_ text: String, key: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw TracingConfigurationError(key: key, value: text, expected: "an http:// or https:// URL")
        }
        return url
    }

    /// `key1=value1,key2=value2`, each part percent-decoded (the W3C Baggage format the
    /// specification uses for headers and resource attributes).
    private static func pairs(_ text: String?, key: String) throws -> [String: String] {
        guard let text else { return [:] }
        var pairs: [String: String] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2,
                  let name = String(parts[0]).trimmingCharacters(in: .whitespaces).removingPercentEncoding, !name.isEmpty,
                  let value = String(parts[1]).trimmingCharacters(in: .whitespaces).removingPercentEncoding
            else {
                // Headers often carry a credential: the error does not repeat them.
                let shown = key.hasSuffix("HEADERS") ? "…" : String(item)
                throw TracingConfigurationError(key: key, value: shown, expected: "key=value pairs separated by commas")
            }
            pairs[name] = value
        }
        return pairs
    }
}

/// An `OTEL_*` value zava cannot use.
public struct TracingConfigurationError: Error, CustomStringConvertible, Equatable {
    public let key: String
    public let value: String
    public let expected: String

    public var description: String { "\(key)=\(value) cannot be used: expected \(expected)" }
}
