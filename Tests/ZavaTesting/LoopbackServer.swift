import Hummingbird
import Logging
import ServiceLifecycle

/// A Hummingbird application serving `router` on a free loopback port, for the stand-ins.
public struct LoopbackServer: Sendable {
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts and returns once the port is bound; `name` is for the error if it never is.
    public static func start(_ router: Router<BasicRequestContext>, name: String) async throws -> LoopbackServer {
        let ports = AsyncStream<Int>.makeStream()
        var logger = Logger(label: name)
        logger.logLevel = .critical
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { channel in
                                          ports.continuation.yield(channel.localAddress?.port ?? 0)
                                          ports.continuation.finish()
                                      }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let task = Task { try await group.run() }
        var port = 0
        for await bound in ports.stream { port = bound }
        guard port > 0 else { throw StandInError(message: "the \(name) did not start") }
        return LoopbackServer(port: port, group: group, task: task)
    }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
