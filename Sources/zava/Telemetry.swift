import CoreMetrics
import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing
import ZavaCore
import ZavaPostgres
import ZavaSpans
import ZavaTracing

/// OpenTelemetry for this process, when the `OTEL_*` settings ask for it (`TelemetrySettings`):
/// zava's tracer (`ZavaTracing`) and swift-otel's metrics backend, both exporting over OTLP and
/// configured by the standard variables alone. Off, nothing is bootstrapped: no exporter, no
/// background task, no span is made.
struct Telemetry: Sendable {
    /// The metrics backend the endpoint mirrors its counts into; nil when off.
    let metricsFactory: (any MetricsFactory)?
    private let tracing: TracingBackend?
    private let exportingSpans: Task<Void, Never>?
    private let metrics: ServiceGroup?
    private let exportingMetrics: Task<Void, any Error>?

    static let off = Telemetry(metricsFactory: nil, tracing: nil, exportingSpans: nil, metrics: nil, exportingMetrics: nil)

    /// Starts the exporters (once per process).
    static func start(_ settings: TelemetrySettings) throws -> Telemetry {
        guard settings.openTelemetry else { return .off }
        let diagnostics = Logger(label: "zava.otel")
        var tracing: TracingBackend?
        if settings.exportsTraces {
            let backend = TracingBackend(configuration: try TracingConfiguration(environment: settings.otelValues), logger: diagnostics)
            Trace.bootstrap(backend.tracer)
            // Libraries that trace with swift-distributed-tracing reach the same export.
            InstrumentationSystem.bootstrap(backend.tracer)
            tracing = backend
        }
        var metricsFactory: (any MetricsFactory)?
        var metrics: ServiceGroup?
        if settings.exportsMetrics {
            // Values from `.env` reach swift-otel, which reads the process's environment.
            for (key, value) in settings.otelValues where getenv(key) == nil { setenv(key, value, 0) }
            var configuration = OTel.Configuration.default
            configuration.serviceName = "zava"
            configuration.traces.enabled = false
            configuration.logs.enabled = false
            configuration.diagnosticLogLevel = .warning
            let backend = try OTel.makeMetricsBackend(configuration: configuration)
            metricsFactory = backend.factory
            metrics = ServiceGroup(configuration: .init(services: [.init(service: backend.service)], gracefulShutdownSignals: [],
                                                        logger: Logger(label: "zava.otel", factory: { SwiftLogNoOpLogHandler($0) })))
        }
        return Telemetry(metricsFactory: metricsFactory, tracing: tracing, exportingSpans: tracing.map { backend in Task { await backend.run() } },
                         metrics: metrics, exportingMetrics: metrics.map { group in Task { try await group.run() } })
    }

    /// Exports what is left and stops the exporters.
    func shutdown() async {
        tracing?.shutdown()
        await exportingSpans?.value
        await metrics?.triggerGracefulShutdown()
        _ = try? await exportingMetrics?.value
    }

    /// Runs `body` inside the trace named by the `TRACEPARENT` environment variable (the
    /// OpenTelemetry convention for processes), so `zava -c` in a traced job joins its trace.
    static func continuingEnvironmentTrace<T>(_ body: () async throws -> T) async rethrows -> T {
        let environment = ProcessInfo.processInfo.environment
        guard let caller = Trace.continuing(traceparent: environment["TRACEPARENT"], tracestate: environment["TRACESTATE"]) else {
            return try await body()
        }
        return try await Trace.$current.withValue(caller) { try await body() }
    }
}
