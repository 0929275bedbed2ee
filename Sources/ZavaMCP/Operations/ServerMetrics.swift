import Prometheus
import ZavaCore

/// The endpoint's Prometheus metrics. Each server owns its registry (no process-wide metrics
/// system), so several servers in one process - tests - do not mix their counts.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let knownTools: Set<String>
    private let latencyBuckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                              .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                              .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
                                              .seconds(30), .seconds(60)]

    init(toolNames: [String]) {
        knownTools = Set(toolNames)
    }

    /// Every HTTP request, by route (`mcp`, `healthz`, `metrics`) and status code.
    func httpRequest(route: String, method: String, status: Int) {
        registry.makeCounter(descriptor: descriptor("http_requests", "total", "HTTP requests by route, method and status."),
                             labels: [("route", route), ("method", method), ("status", String(status))]).increment()
    }

    /// A request turned away before MCP saw it.
    func refused(_ reason: Refusal.Reason) {
        registry.makeCounter(descriptor: descriptor("refused_requests", "total", "Requests refused before MCP (identity, token, host, origin, body size, ...)."),
                             labels: [("reason", reason.rawValue)]).increment()
    }

    /// JSON-RPC requests by method (bounded: unknown methods share one label).
    func rpcRequest(method: String) {
        let known = ["initialize", "ping", "tools/list", "tools/call", "notifications/initialized", "notifications/cancelled"]
        registry.makeCounter(descriptor: descriptor("rpc_requests", "total", "JSON-RPC messages by method."),
                             labels: [("method", known.contains(method) ? method : "other")]).increment()
    }

    func toolCall(_ tool: String, isError: Bool, duration: Duration) {
        let label = knownTools.contains(tool) ? tool : "unknown"
        registry.makeCounter(descriptor: descriptor("tool_calls", "total", "Tool calls by tool and outcome."),
                             labels: [("tool", label), ("outcome", isError ? "error" : "ok")]).increment()
        registry.makeDurationHistogram(descriptor: descriptor("tool_call_duration", "seconds", "Tool call latency by tool."),
                                       labels: [("tool", label)], buckets: latencyBuckets).record(duration)
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
        MetricNameDescriptor(namespace: "zava", subsystem: "mcp", metricName: name, unitName: unit, helpText: help)
    }
}
