import Logging
import MCP

/// What answers an authenticated MCP request: the stateful session registry or the
/// stateless per-request host.
protocol TransportHost: Sendable {
    func handle(_ request: MCP.HTTPRequest, envelope: JSONRPCEnvelope?, principal: Principal) async -> HostAnswer
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
