import CoreMetrics

/// The endpoint's counters and latencies again through swift-metrics, for an exporter such as
/// OpenTelemetry's (`/metrics` keeps Prometheus's own registry). Same names and labels, dots
/// for the namespace: `zava.mcp.tool_calls` {tool, outcome}, `zava.mcp.tool_call_duration`
/// {tool}, `zava.mcp.rpc_requests` {method}, `zava.mcp.http_requests` {route, method, status},
/// `zava.mcp.refused_requests` {reason}.
final class ExportedMetrics: Sendable {
    typealias Counter = CoreMetrics.Counter

    private let factory: any MetricsFactory
    private let tools: [String: (ok: CoreMetrics.Counter, error: CoreMetrics.Counter, duration: CoreMetrics.Timer)]
    private let rpc: [String: CoreMetrics.Counter]

    init(factory: any MetricsFactory, toolNames: [String], rpcMethods: [String]) {
        self.factory = factory
        var tools: [String: (ok: CoreMetrics.Counter, error: CoreMetrics.Counter, duration: CoreMetrics.Timer)] = [:]
        for tool in toolNames {
            tools[tool] = (CoreMetrics.Counter(label: "zava.mcp.tool_calls", dimensions: [("tool", tool), ("outcome", "ok")], factory: factory),
                           CoreMetrics.Counter(label: "zava.mcp.tool_calls", dimensions: [("tool", tool), ("outcome", "error")], factory: factory),
                           CoreMetrics.Timer(label: "zava.mcp.tool_call_duration", dimensions: [("tool", tool)], factory: factory))
        }
        self.tools = tools
        var rpc: [String: CoreMetrics.Counter] = [:]
        for method in rpcMethods { rpc[method] = CoreMetrics.Counter(label: "zava.mcp.rpc_requests", dimensions: [("method", method)], factory: factory) }
        self.rpc = rpc
    }

    func toolCall(_ tool: String, isError: Bool, duration: Duration) {
        guard let metrics = tools[tool] else { return }
        (isError ? metrics.error : metrics.ok).increment()
        metrics.duration.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    func rpcRequest(_ method: String) { rpc[method]?.increment() }

    /// The counter of one route, method and status (`ServerMetrics` keeps it beside its own).
    func httpCounter(route: String, method: String, status: Int) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: "zava.mcp.http_requests", dimensions: [("route", route), ("method", method), ("status", String(status))],
                            factory: factory)
    }

    /// Refusals are rare: the factory's registry finds the counter made before.
    func refused(_ reason: String) {
        CoreMetrics.Counter(label: "zava.mcp.refused_requests", dimensions: [("reason", reason)], factory: factory).increment()
    }
}
