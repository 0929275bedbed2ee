import protocol CoreMetrics.MetricsFactory
import Prometheus
import NIOConcurrencyHelpers
import ZavaCore
import ZavaPostgres

/// The endpoint's Prometheus metrics. Each server owns its registry (no process-wide metrics
/// system), so several servers in one process - tests - do not mix their counts.
final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let knownTools: Set<String>
    /// The same counts kept plainly, for `MCPServer.status()` (a registry cannot be read back).
    private let counts = NIOLockedValueBox(MCPServerCounters())
    private static let latencyBuckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                              .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                              .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
                                              .seconds(30), .seconds(60)]

    private static let rpcMethods = ["initialize", "ping", "tools/list", "tools/call", "notifications/initialized", "notifications/cancelled"]
    /// Metrics made once: the registry's lookup by name and labels costs more than the count.
    private let rpcCounters: [String: Counter]
    private let toolMetrics: [String: (ok: Counter, error: Counter, duration: DurationHistogram)]
    private let httpCounters = NIOLockedValueBox<[HTTPKey: (counter: Counter, exported: ExportedMetrics.Counter?)]>([:])
    /// The same counts for an exporter (OpenTelemetry), when the server was given one.
    private let exported: ExportedMetrics?

    private struct HTTPKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    init(toolNames: [String], exportingTo factory: (any MetricsFactory)? = nil) {
        knownTools = Set(toolNames)
        exported = factory.map { ExportedMetrics(factory: $0, toolNames: toolNames + ["unknown"], rpcMethods: Self.rpcMethods + ["other"]) }
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        var rpc: [String: Counter] = [:]
        for method in Self.rpcMethods + ["other"] {
            rpc[method] = registry.makeCounter(descriptor: Self.descriptor("rpc_requests", "total", "JSON-RPC messages by method."),
                                               labels: [("method", method)])
        }
        rpcCounters = rpc
        var tools: [String: (ok: Counter, error: Counter, duration: DurationHistogram)] = [:]
        for tool in toolNames + ["unknown"] {
            let calls = Self.descriptor("tool_calls", "total", "Tool calls by tool and outcome.")
            tools[tool] = (registry.makeCounter(descriptor: calls, labels: [("tool", tool), ("outcome", "ok")]),
                           registry.makeCounter(descriptor: calls, labels: [("tool", tool), ("outcome", "error")]),
                           registry.makeDurationHistogram(descriptor: Self.descriptor("tool_call_duration", "seconds", "Tool call latency by tool."),
                                                          labels: [("tool", tool)], buckets: Self.latencyBuckets))
        }
        toolMetrics = tools
    }

    /// Every HTTP request, by route (`mcp`, `healthz`, `metrics`) and status code.
    func httpRequest(route: String, method: String, status: Int) {
        let key = HTTPKey(route: route, method: method, status: status)
        let counters = httpCounters.withLockedValue { counters in
            if let known = counters[key] { return known }
            let made = (counter: registry.makeCounter(descriptor: descriptor("http_requests", "total", "HTTP requests by route, method and status."),
                                                      labels: [("route", route), ("method", method), ("status", String(status))]),
                        exported: exported?.httpCounter(route: route, method: method, status: status))
            counters[key] = made
            return made
        }
        counters.counter.increment()
        counters.exported?.increment()
        if route == "mcp" {
            counts.withLockedValue {
                $0.requests += 1
                if status >= 400 { $0.errors += 1 }
            }
        }
    }

    var counters: MCPServerCounters { counts.withLockedValue { $0 } }

    /// A request turned away before MCP saw it.
    func refused(_ reason: Refusal.Reason) {
        registry.makeCounter(descriptor: descriptor("refused_requests", "total", "Requests refused before MCP (identity, token, host, origin, body size, ...)."),
                             labels: [("reason", reason.rawValue)]).increment()
        exported?.refused(reason.rawValue)
    }

    /// JSON-RPC requests by method (bounded: unknown methods share one label).
    func rpcRequest(method: String) {
        let label = rpcCounters[method] == nil ? "other" : method
        rpcCounters[label]?.increment()
        exported?.rpcRequest(label)
    }

    func toolCall(_ tool: String, isError: Bool, duration: Duration) {
        let label = knownTools.contains(tool) ? tool : "unknown"
        counts.withLockedValue {
            $0.toolCalls[label, default: .init()].calls += 1
            if isError { $0.toolCalls[label, default: .init()].errors += 1 }
        }
        exported?.toolCall(label, isError: isError, duration: duration)
        guard let metrics = toolMetrics[label] else { return }
        (isError ? metrics.error : metrics.ok).increment()
        metrics.duration.record(duration)
    }

    /// Point-in-time values, refreshed just before each scrape.
    func observe(pool: ConnectionPool.Statistics, sessions: Int, inFlight: Int) {
        let poolDescriptor = descriptor("pool_connections", "", "Database pool connections by state (size = the pool's limit).")
        for (state, value) in [("size", pool.size), ("open", pool.open), ("in_use", pool.inUse),
                               ("idle", pool.open - pool.inUse), ("waiting", pool.waiting)] {
            registry.makeGauge(descriptor: poolDescriptor, labels: [("state", state)]).set(Double(value))
        }
        registry.makeGauge(descriptor: descriptor("sessions", "", "Open MCP sessions (stateful mode).")).set(Double(sessions))
        registry.makeGauge(descriptor: descriptor("in_flight_requests", "", "MCP POST requests being answered.")).set(Double(inFlight))
    }

    func exposition() -> String { registry.emitToString() }

    private func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        Self.descriptor(name, unit, help)
    }

    private static func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "zava", subsystem: "mcp", metricName: name, unitName: unit, helpText: help)
    }
}

/// Cumulative counts since the server started, for status displays.
public struct MCPServerCounters: Sendable, Equatable {
    public struct Calls: Sendable, Equatable {
        public var calls = 0
        public var errors = 0
    }

    /// HTTP requests to the MCP path, whatever their outcome.
    public var requests = 0
    /// Of those, the ones answered with an HTTP error status (refusals included).
    public var errors = 0
    /// Tool calls by tool name (`unknown` for names no tool has); errors are tool errors.
    public var toolCalls: [String: Calls] = [:]
}
