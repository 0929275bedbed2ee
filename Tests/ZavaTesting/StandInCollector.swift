import Hummingbird
import Synchronization

/// A stand-in OpenTelemetry collector on a free loopback port: keeps the path, headers and body
/// of every OTLP/HTTP export it receives, and answers with a status a test can change.
public final class StandInCollector: Sendable {
    /// One export request as received (header names in lower case).
    public struct Export: Sendable {
        public let path: String
        public let headers: [String: String]
        public let body: [UInt8]
    }

    /// What the route and the tests share.
    private final class Shared: Sendable {
        let state = Mutex<(exports: [Export], status: Int)>(([], 200))
    }

    private let server: LoopbackServer
    private let shared: Shared

    public var port: Int { server.port }

    public var endpoint: String { "http://127.0.0.1:\(port)" }
    public var exports: [Export] { shared.state.withLock { $0.exports } }

    /// The HTTP status later exports are answered with (200 at first).
    public func answer(_ status: Int) { shared.state.withLock { $0.status = status } }

    public static func start() async throws -> StandInCollector {
        let shared = Shared()
        let router = Router()
        router.post("/**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let export = Export(path: request.uri.path, headers: headers, body: Array(buffer: body))
            let status = shared.state.withLock { state in
                state.exports.append(export)
                return state.status
            }
            return Response(status: .init(code: status))
        }
        return StandInCollector(server: try await LoopbackServer.start(router, name: "stand-in collector"), shared: shared)
    }

    private init(server: LoopbackServer, shared: Shared) {
        self.server = server
        self.shared = shared
    }

    public func stop() async { await server.stop() }
}
