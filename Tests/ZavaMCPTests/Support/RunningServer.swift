import Foundation
import Logging
import Synchronization
import ServiceLifecycle
import ZavaCore
import ZavaMCP
import ZavaTesting

/// An `MCPServer` serving in this process on a free port, the way `zava --serve` runs it:
/// inside a `ServiceGroup`, stopped by a graceful shutdown.
struct RunningServer: Sendable {
    let server: MCPServer
    let group: ServiceGroup
    let task: Task<Void, Error>
    let port: Int
    let logs: LogSink

    var url: String { "http://127.0.0.1:\(port)/mcp" }

    static func start(_ database: Database, search: (any ProductSearching)? = nil,
                      _ configure: (inout MCPServerConfiguration) -> Void = { _ in }) async throws -> RunningServer {
        var configuration = MCPServerConfiguration(port: 0, requestTimeout: .seconds(20))
        configure(&configuration)
        let logs = LogSink()
        var logger = Logger(label: "zava.mcp.test") { label in CapturingLogHandler(label: label, sink: logs) }
        logger.logLevel = .debug
        let server = try await MCPServer(database: database, configuration: configuration, search: search, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
        let task = Task { try await group.run() }
        let port = try await server.listeningPort()
        return RunningServer(server: server, group: group, task: task, port: port, logs: logs)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
