import CoreMetrics
import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing
import ZavaCore
import ZavaPostgres

/// OpenTelemetry for this process, when the `OTEL_*` settings ask for it (`TelemetrySettings`):
/// a tracer and a metrics backend exporting over OTLP, configured by the standard variables
/// alone. Off, nothing is bootstrapped: no exporter, no background task, no span is made.
struct Telemetry: Sendable {
    /// The metrics backend the endpoint mirrors its counts into; nil when off.
    let metricsFactory: (any MetricsFactory)?
    private let group: ServiceGroup?
    private let running: Task<Void, any Error>?
    private let ends: SpanEnds?
    private let flushing: Task<Void, Never>?

    static let off = Telemetry(metricsFactory: nil, group: nil, running: nil, ends: nil, flushing: nil)

    /// Starts the exporters (once per process).
    static func start(_ settings: TelemetrySettings) throws -> Telemetry {
        guard settings.openTelemetry else { return .off }
        // Values from `.env` reach the exporter, which reads the process's environment.
        for (key, value) in settings.otelValues where getenv(key) == nil { setenv(key, value, 0) }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "zava"
        configuration.logs.enabled = false
        configuration.diagnosticLogLevel = .warning
        let tracing = try OTel.makeTracingBackend(configuration: configuration)
        let ends = SpanEnds()
        InstrumentationSystem.bootstrap(BatchedEndsTracer(base: tracing.factory, ends: ends))
        var services: [any Service] = [tracing.service]
        var metricsFactory: (any MetricsFactory)?
        if settings.exportsMetrics {
            let metrics = try OTel.makeMetricsBackend(configuration: configuration)
            metricsFactory = metrics.factory
            services.append(metrics.service)
        }
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, gracefulShutdownSignals: [],
                                                      logger: Logger(label: "zava.otel", factory: { SwiftLogNoOpLogHandler($0) })))
        return Telemetry(metricsFactory: metricsFactory, group: group, running: Task { try await group.run() }, ends: ends,
                         flushing: Task { await ends.run() })
    }

    /// Exports what is left and stops the exporters.
    func shutdown() async {
        guard let group, let running else { return }
        flushing?.cancel()
        await flushing?.value
        ends?.flush()
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }

    /// Runs `body` inside the trace named by the `TRACEPARENT` environment variable (the
    /// OpenTelemetry convention for processes), so `zava -c` in a traced job joins its trace.
    static func continuingEnvironmentTrace<T>(_ body: () async throws -> T) async rethrows -> T {
        guard TraceContext.isOn, let traceparent = ProcessInfo.processInfo.environment["TRACEPARENT"] else { return try await body() }
        let context = TraceContext.continuing(traceparent: traceparent, tracestate: ProcessInfo.processInfo.environment["TRACESTATE"],
                                              from: .topLevel)
        return try await ServiceContext.withValue(context) { try await body() }
    }
}
