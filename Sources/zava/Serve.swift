import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import ZavaCore
import ZavaPostgres
import ZavaMCP
import ZavaREPL

/// `zava --serve`: the MCP endpoint over the same `Database` as the REPL. On a terminal the
/// REPL stays in the foreground and quitting it stops the endpoint (after in-flight calls);
/// otherwise it serves headless until SIGINT or SIGTERM.
enum Serve {
    static func run(_ options: ServeOptions, runtime: Runtime, database: Database, profile: String?,
                    format: OutputFormat, enforcingRLS: Bool, telemetry: Telemetry,
                    makeEmbedder: @escaping @Sendable () throws -> any Embedder) async throws {
        let interactive = !options.noREPL && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        let logFormat = options.logFormat ?? runtime.settings.telemetry.logFormat
        var logger = Logger(label: "zava.mcp", factory: { StandardErrorLogHandler(label: $0, format: logFormat) })
        // In the REPL's terminal only warnings; headless, the request log (stderr).
        logger.logLevel = runtime.settings.logLevel
            ?? (interactive ? .warning : .info)
        let server = try await MCPServer(database: database, configuration: options.configuration(runtime.settings),
                                         search: EmbeddingProductSearch(embedder: makeEmbedder), logger: logger,
                                         metricsExport: telemetry.metricsFactory)
        func cannotListen(_ error: Error) -> ServeError {
            ServeError(message: "cannot listen on \(server.configuration.host):\(server.configuration.port): \(error)"
                       + " (is another server using the port? --port 0 picks a free one)")
        }
        // Before the service group exists: see PortCheck.
        do { try server.requireFreeAddress() } catch { throw cannotListen(error) }
        // The REPL reads Ctrl-C itself; headless, SIGINT is a graceful stop like SIGTERM.
        let group = ServiceGroup(configuration: .init(services: [server],
                                                      gracefulShutdownSignals: interactive ? [.sigterm] : [.sigterm, .sigint],
                                                      logger: logger))
        let serving = Task { try await group.run() }
        // The security checks again, on a timer and at SIGHUP, while the endpoint serves.
        let watch = SecurityWatch(database: database, enforcing: enforcingRLS, logger: logger)
        let rechecks = Task {
            let hangups = await UnixSignalsSequence(trapping: .sighup).map { _ in () }
            await watch.run(every: runtime.settings.securityRecheckInterval, wakeups: hangups)
        }
        defer { rechecks.cancel() }
        do {
            let url = try await server.endpointURL()
            Console.info("MCP endpoint: \(url) (\(options.stateless ? "stateless" : "stateful"); health at /healthz, metrics at /metrics)")
        } catch {
            // Not waiting for the service group to wind down: its cancellation of a server that
            // never listened can deadlock (see PortCheck), and the process is exiting anyway.
            throw cannotListen(error)
        }
        for note in server.startupNotes { Console.info(note) }
        guard interactive else {
            try await serving.value
            return
        }
        // SIGTERM while the REPL waits for input: the endpoint drains, then the process ends.
        let watcher = Task {
            let failed = (try? await serving.value) == nil
            guard !Task.isCancelled else { return }
            Console.info("zava: the MCP endpoint stopped; exiting.")
            exit(failed ? 1 : 0)
        }
        try await BlockingExecutor(name: "zava-repl").run {
            let repl = try await REPL(database: database, settings: runtime.settings, preferences: runtime.preferences,
                                      profile: runtime.profile(profile), format: format, search: EmbeddingProductSearch(embedder: makeEmbedder), serverStatus: { await server.status().description })
            await repl.run()
        }
        watcher.cancel()
        Console.info("Stopping the MCP endpoint ...")
        await group.triggerGracefulShutdown()
        try await serving.value
    }
}

struct ServeError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
