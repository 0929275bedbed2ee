import Logging
import MCP

/// `--stateless`: every POST gets its own SDK server and `StatelessHTTPServerTransport`, and a
/// plain JSON answer. Nothing outlives the request, so any zava instance behind a load
/// balancer can answer any request - no sticky sessions needed.
struct StatelessHost: TransportHost {
    let factory: MCPSessionFactory
    let logger: Logger
    private let pipeline = TransportValidation.pipeline(stateless: true)
    private let checks = TransportChecks(stateless: true)

    init(factory: MCPSessionFactory, logger: Logger) {
        self.factory = factory
        self.logger = logger
    }

    func handle(_ request: MCP.HTTPRequest, envelope: JSONRPCEnvelope?, principal: Principal) async -> HostAnswer {
        let transport = StatelessHTTPServerTransport(validationPipeline: pipeline, logger: logger.quieter)
        let server = await factory.makeServer()
        do {
            try await server.start(transport: transport)
        } catch {
            return .transport(.error(statusCode: 500, .internalError("could not start the MCP server: \(error)")))
        }
        let response = await transport.handleRequest(request)
        await server.stop()
        return .transport(response)
    }

    /// The transport's checks for a POST (Accept, Content-Type, MCP-Protocol-Version); its
    /// answers carry no headers but the content type.
    func admitDirect(_ headers: TransportHeaders, principal: Principal) async -> [String: String]? {
        checks.accept(headers) ? [:] : nil
    }

    var sessionCount: Int { 0 }
    func sweep() async {}
    func closeAll() async {}
}
