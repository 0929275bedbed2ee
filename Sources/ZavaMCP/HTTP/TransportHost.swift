import Logging
import MCP
import Synchronization

/// What answers an authenticated MCP request: the stateful session registry or the
/// stateless per-request host.
protocol TransportHost: Sendable {
    func handle(_ request: MCP.HTTPRequest, envelope: JSONRPCEnvelope?, principal: Principal) async -> HostAnswer
    /// Whether a POST of `principal` with these headers may be answered without the SDK
    /// server, and the headers that answer carries; nil sends it to the SDK. It must pass every
    /// check the SDK path makes (the transport's validation, the session and its owner), so
    /// the direct path never answers what the SDK path would refuse.
    func admitDirect(_ headers: TransportHeaders, principal: Principal) async -> [String: String]?
    var sessionCount: Int { get async }
    /// Closes idle sessions (stateful mode).
    func sweep() async
    /// Ends every session and its streams (at shutdown, after in-flight calls have drained).
    func closeAll() async
}

enum HostAnswer: Sendable {
    case transport(MCP.HTTPResponse)
    case refused(Refusal)
}

/// The request headers the transports' checks read (lower-case names, as `MCPEndpoint` keeps them).
struct TransportHeaders: Sendable, Hashable {
    var accept: String?
    var contentType: String?
    var protocolVersion: String?
    var sessionID: String?

    init(_ headers: [String: String]) {
        accept = headers["accept"]
        contentType = headers["content-type"]
        protocolVersion = headers["mcp-protocol-version"]
        sessionID = headers["mcp-session-id"]
    }
}

/// The transport's validation of a POST, for the direct path: the SDK's own validators, run
/// once per distinct combination of the headers they read. The session validator's part (the
/// id names this session) is the caller's to check, by finding the session under that id.
/// Header values come from clients, so the memo is bounded.
final class TransportChecks: Sendable {
    private let pipeline: any HTTPRequestValidationPipeline
    private let sessions: Bool
    private let memo = Mutex<[TransportHeaders: Bool]>([:])

    init(stateless: Bool) {
        pipeline = TransportValidation.pipeline(stateless: stateless)
        sessions = !stateless
    }

    func accept(_ headers: TransportHeaders) -> Bool {
        var key = headers
        key.sessionID = nil
        if let known = memo.withLock({ $0[key] }) { return known }
        var fields: [String: String] = [:]
        fields[HTTPHeaderName.accept] = headers.accept
        fields[HTTPHeaderName.contentType] = headers.contentType
        fields[HTTPHeaderName.protocolVersion] = headers.protocolVersion
        let session = sessions ? "session" : nil
        fields[HTTPHeaderName.sessionID] = session
        let passed = pipeline.validate(MCP.HTTPRequest(method: "POST", headers: fields),
                                       context: HTTPValidationContext(httpMethod: "POST", sessionID: session)) == nil
        memo.withLock {
            if $0.count >= 256 { $0.removeAll() }
            $0[key] = passed
        }
        return passed
    }
}

/// The transports' request checks. Host and Origin are checked earlier, by `OriginPolicy`,
/// which knows the port actually bound.
enum TransportValidation {
    static func pipeline(stateless: Bool) -> any HTTPRequestValidationPipeline {
        var validators: [any HTTPRequestValidator] = [
            AcceptHeaderValidator(mode: stateless ? .jsonOnly : .sseRequired),
            ContentTypeValidator(),
            ProtocolVersionValidator(),
        ]
        if !stateless { validators.append(SessionValidator()) }
        return StandardValidationPipeline(validators: validators)
    }
}

extension Logger {
    /// This logger at warning level or above: for the SDK's transports, whose info logs carry
    /// whole session ids (which work like bearer tokens for a session).
    var quieter: Logger {
        var copy = self
        copy.logLevel = Swift.max(logLevel, .warning)
        return copy
    }
}
