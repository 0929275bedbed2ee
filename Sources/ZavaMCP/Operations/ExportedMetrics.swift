import CoreMetrics
import Synchronization

/// The endpoint's counters and latencies again through swift-metrics, for an exporter such as
/// OpenTelemetry's (`/metrics` keeps Prometheus's own registry). Same names and labels, dots
/// for the namespace: `zava.mcp.tool_calls` {tool, outcome}, `zava.mcp.tool_call_duration`
/// {tool}, `zava.mcp.rpc_requests` {method}, `zava.mcp.http_requests` {route, method, status},
/// `zava.mcp.refused_requests` {reason}.
final class ExportedMetrics: Sendable {
    private let factory: any MetricsFactory
    private let tools: [String: (ok: CoreMetrics.Counter, error: CoreMetrics.Counter, duration: CoreMetrics.Timer)]
    private let rpc: [String: CoreMetrics.Counter]
    private let made = Mutex<[String: CoreMetrics.Counter]>([:])

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

    func httpRequest(route: String, method: String, status: Int) {
        counter("zava.mcp.http_requests", [("route", route), ("method", method), ("status", String(status))]).increment()
    }

    func refused(_ reason: String) { counter("zava.mcp.refused_requests", [("reason", reason)]).increment() }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return made.withLock { made in
            if let known = made[key] { return known }
            let counter = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            made[key] = counter
            return counter
        }
    }
}
