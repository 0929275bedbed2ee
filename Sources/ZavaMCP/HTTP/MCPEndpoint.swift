import Foundation
import Hummingbird
import Logging
import NIOCore
import Tracing
import ZavaPostgres
import ZavaSpans

/// The MCP route, one request path for every revision, in the order the checks matter:
/// Host and Origin (DNS rebinding), identity (from the headers alone: an unauthenticated
/// caller's body is never read), body size and its deadline, the JSON-RPC message, then the
/// revision it speaks and that revision's own checks (a legacy session and its owner; a modern
/// request's headers against its body). Nothing reaches the engine - let alone the database -
/// before all of them passed. Every answer is one JSON body.
struct MCPEndpoint: Sendable {
    let configuration: MCPServerConfiguration
    let listening: ListeningState
    let policies: OriginPolicyCache
    let authenticator: RequestAuthenticator
    /// nil in stateless mode: no request depends on an earlier one.
    let sessions: LegacySessions?
    let engine: MCPEngine
    let inFlight: InFlightRequests
    let deadlines: RequestDeadlines
    let metrics: ServerMetrics
    let logger: Logger

    static let sessionHeader = "mcp-session-id"

    /// The Host/Origin refusal every route gives a request from a foreign site (DNS rebinding),
    /// or nil when the request may go on.
    func refusingForeignOrigin(_ request: Request) -> Response? {
        let policy = policies.policy(port: listening.port ?? configuration.port)
        // Repeated Origin headers are read as one list (RFC 9110), as `headers(of:)` joins them.
        let origins = request.headers.filter { $0.name == .origin }.map(\.value)
        let origin = origins.isEmpty ? nil : origins.joined(separator: ", ")
        guard let refusal = policy.check(host: request.head.authority, origin: origin) else { return nil }
        return refuse(refusal, id: nil, method: request.method.rawValue, requestID: Self.newRequestID())
    }

    /// With tracing on, the request is a server span continuing the caller's `traceparent`. Its
    /// context goes to the MCP method's span as an argument: no task-local binding for a span
    /// whose only child is made here.
    func respond(_ request: Request, context: MCPRequestContext) async -> Response {
        guard Trace.isOn else { return await handle(request, context: context, trace: nil) }
        let parent = Trace.continuing(traceparent: request.headers[Self.traceparentField],
                                      tracestate: request.headers[Self.tracestateField]) ?? Trace.current
        var span = Trace.start("\(request.method.rawValue) \(configuration.path)", ofKind: .server, parent: parent)
        span.reserveAttributes(8)
        span.set("http.request.method", .string(request.method.rawValue))
        span.set("http.route", .string(configuration.path))
        span.set("url.path", .string(configuration.path))
        span.set("url.scheme", "http")
        if let port = listening.port { span.set("server.port", .int(Int64(port))) }
        if let agent = request.headers[.userAgent] { span.set("user_agent.original", .string(Self.clipped(agent, to: 256))) }
        let response = await handle(request, context: context, trace: span.context)
        span.set("http.response.status_code", .int(Int64(response.status.code)))
        if response.status.code >= 500 {
            span.set("error.type", .string("\(response.status.code)"))
            span.setStatus(SpanStatus(code: .error))
        }
        span.end()
        return response
    }

    static let traceparentField = HTTPFieldName("traceparent")!
    static let tracestateField = HTTPFieldName("tracestate")!

    private func handle(_ request: Request, context: MCPRequestContext, trace: SpanContext?) async -> Response {
        if let refusal = refusingForeignOrigin(request) { return refusal }
        let requestID = Self.newRequestID()
        let method = request.method.rawValue
        let headers = Self.headers(of: request)

        let principal: Principal
        switch await authenticator.authenticate(identityHeader: headers[RequestAuthenticator.identityHeader],
                                                authorization: headers["authorization"]) {
        case .success(let decided): principal = decided
        case .failure(let refusal): return refuse(refusal, id: nil, method: method, requestID: requestID)
        }
        let sessionID = sessions == nil ? nil : headers[Self.sessionHeader]
        switch request.method {
        case .post:
            break
        case .delete:
            if let sessions, let sessionID { return endSession(sessionID, in: sessions, principal: principal, requestID: requestID) }
            fallthrough
        default:
            // No stream to open: this server sends nothing a client did not ask for.
            return answer(status: 405, id: nil, .failure(.invalidRequest("Method Not Allowed: send JSON-RPC messages with POST", status: 405)),
                          method: method, extra: ["Allow": sessions == nil ? "POST" : "POST, DELETE"])
        }

        let body: [UInt8]
        switch await readBody(request, channel: context.channel) {
        case .success(let read): body = read
        case .failure(let refusal): return refuse(refusal, id: nil, method: method, requestID: requestID)
        }
        let message: RPCRequest
        switch RPCRequest.read(body) {
        case .success(let read): message = read
        case .failure(let error): return answer(status: error.status, id: nil, .failure(error), method: method)
        }
        metrics.rpcRequest(method: message.method)
        if let refusal = mediaRefusal(headers) { return refuse(refusal, id: message.id, method: method, requestID: requestID) }

        let revision: ProtocolRevision
        var answerHeaders: [String: String] = [:]
        if let sessions, let sessionID {
            if let refusal = legacyVersionRefusal(headers) { return refuse(refusal, id: message.id, method: method, requestID: requestID) }
            switch sessions.use(sessionID, by: principal) {
            case .success(let known): revision = known
            case .failure(let refusal): return refuse(refusal, id: message.id, method: method, requestID: requestID)
            }
            answerHeaders["Mcp-Session-Id"] = sessionID
        } else if ModernHeaders.isModern(message, headers: headers) {
            switch ModernHeaders.check(message, headers: headers) {
            case .success(let asked): revision = asked
            case .failure(let error): return answer(status: error.status, id: message.id, .failure(error), method: method)
            }
        } else {
            if let refusal = legacyVersionRefusal(headers) { return refuse(refusal, id: message.id, method: method, requestID: requestID) }
            if message.method == "initialize" {
                return initialize(message, principal: principal, method: method, requestID: requestID)
            }
            guard sessions == nil else {
                return refuse(Refusal(status: 400, code: Refusal.invalidRequestCode,
                                      message: "Bad Request: missing Mcp-Session-Id header; send initialize first", reason: .session),
                              id: message.id, method: method, requestID: requestID)
            }
            revision = headers["mcp-protocol-version"].flatMap(ProtocolRevision.init(rawValue:)) ?? .v2025_03_26
        }

        guard let id = message.id else {
            if message.method == "notifications/cancelled", let sessionID, let target = RPCID(message.params["requestId"]) {
                inFlight.cancel(rpcKey: Self.rpcKey(session: sessionID, id: target))
            }
            metrics.httpRequest(route: "mcp", method: method, status: 202)
            return Response(status: .accepted)
        }
        inFlight.begin(requestID, channel: context.channel, rpcKey: sessionID.map { Self.rpcKey(session: $0, id: id) })
        let outcome = await traced(message, revision: revision, sessionID: sessionID, principal: principal, parent: trace) {
            await engine.answer(message, revision: revision, principal: principal, requestID: requestID)
        }
        inFlight.end(requestID)
        logger.debug("mcp request", metadata: [
            "request_id": "\(requestID)", "rpc": "\(message.method)", "revision": "\(revision.rawValue)",
            "profile": "\(principal.identity.profile)",
        ])
        let status = if case .failure(let error) = outcome { error.status } else { 200 }
        return answer(status: status, id: id, outcome, method: method, extra: answerHeaders)
    }

    /// The MCP method as a span of its own (OpenTelemetry's MCP conventions), a child of the
    /// `traceparent` in the request's `_meta` when the client sent one (2026-07-28), else of the
    /// HTTP request's span (`parent`). For `tools/call` it is also the tool's execution span (the
    /// GenAI conventions let the MCP span stand for it): the statements' spans are its children.
    private func traced(_ message: RPCRequest, revision: ProtocolRevision, sessionID: String?, principal: Principal,
                        parent: SpanContext?, _ body: () async -> Result<JSON, RPCError>) async -> Result<JSON, RPCError> {
        guard Trace.isOn else { return await body() }
        let target = message.method == "tools/call" || message.method == "prompts/get" ? message.params["name"]?.string : nil
        let parent = Trace.continuing(traceparent: message.meta?["traceparent"]?.string,
                                      tracestate: message.meta?["tracestate"]?.string) ?? parent ?? Trace.current
        let tool = target.map { Self.clipped($0, to: 64) }
        let name = tool.map { "\(message.method) \($0)" } ?? message.method
        return await Trace.withSpan(name, ofKind: .server, parent: parent) { span in
            span.reserveAttributes(10)
            span.set("mcp.method.name", .string(message.method))
            span.set("mcp.protocol.version", .string(revision.rawValue))
            if let sessionID { span.set("mcp.session.id", .string(sessionID)) }
            if let id = message.id {
                span.set("jsonrpc.request.id", .string(Self.clipped(id.description, to: 128)))
            }
            if message.method == "tools/call", let tool {
                span.set("gen_ai.tool.name", .string(tool))
                span.set("gen_ai.operation.name", "execute_tool")
            }
            span.set("zava.identity", .string(principal.identity.profile))
            span.set("zava.auth", .string(principal.source.rawValue))
            let outcome = await body()
            switch outcome {
            case .failure(let error):
                span.set("rpc.response.status_code", .string("\(error.code)"))
                span.set("error.type", .string("\(error.code)"))
                span.setStatus(SpanStatus(code: .error))
            case .success(let result):
                // A tool's failure is a result with `isError`, not a JSON-RPC error.
                if case .bool(true) = result["isError"] {
                    span.set("error.type", "tool_error")
                    span.setStatus(SpanStatus(code: .error))
                }
            }
            return outcome
        }
    }

    /// Legacy `initialize`: settles the revision and, in stateful mode, opens the session that
    /// later requests name.
    private func initialize(_ message: RPCRequest, principal: Principal, method: String, requestID: String) -> Response {
        guard let id = message.id else {
            return answer(status: 400, id: nil, .failure(.invalidRequest("Invalid Request: initialize needs an id")), method: method)
        }
        let revision = ProtocolRevision.negotiated(message.params["protocolVersion"]?.string)
        var extra: [String: String] = [:]
        if let sessions {
            switch sessions.open(for: principal, revision: revision) {
            case .success(let session): extra["Mcp-Session-Id"] = session
            case .failure(let refusal): return refuse(refusal, id: id, method: method, requestID: requestID)
            }
        }
        return answer(status: 200, id: id, .success(engine.initializeResult(revision)), method: method, extra: extra)
    }

    /// A client's DELETE of its session.
    private func endSession(_ id: String, in sessions: LegacySessions, principal: Principal, requestID: String) -> Response {
        switch sessions.use(id, by: principal) {
        case .success:
            sessions.close(id)
            metrics.httpRequest(route: "mcp", method: "DELETE", status: 200)
            return Response(status: .ok)
        case .failure(let refusal):
            return refuse(refusal, id: nil, method: "DELETE", requestID: requestID)
        }
    }

    /// What every revision's transport requires of a POST: a JSON body, and an answer the
    /// client accepts as JSON.
    private func mediaRefusal(_ headers: [String: String]) -> Refusal? {
        guard Self.acceptsJSON(headers["accept"]?.lowercased() ?? "") else {
            return Refusal(status: 406, code: Refusal.invalidRequestCode,
                           message: "Not Acceptable: the client must accept application/json", reason: .method)
        }
        guard headers["content-type"]?.lowercased().hasPrefix("application/json") == true else {
            return Refusal(status: 415, code: Refusal.invalidRequestCode,
                           message: "Unsupported Media Type: the body must be application/json", reason: .method)
        }
        return nil
    }

    /// Whether an `Accept` value lists a media range that JSON matches. One pass over its
    /// bytes, nothing allocated: a client chooses how many ranges the header holds.
    static func acceptsJSON(_ accept: String) -> Bool {
        var accept = accept
        return accept.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
                while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
                let media = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if jsonMediaRanges.contains(where: { media.starts(with: $0) }) { return true }
                start = end + 1
            }
            return false
        }
    }

    private static let jsonMediaRanges = ["application/json", "*/*", "application/*"].map { Array($0.utf8) }

    /// A legacy client's version header, when sent, must name a revision this server speaks.
    private func legacyVersionRefusal(_ headers: [String: String]) -> Refusal? {
        if let version = headers["mcp-protocol-version"], ProtocolRevision(rawValue: version) == nil {
            return Refusal(status: 400, code: Refusal.invalidRequestCode,
                           message: "Bad Request: unsupported MCP-Protocol-Version \(version.prefix(32)); supported: "
                               + ProtocolRevision.allCases.map(\.rawValue).joined(separator: ", "),
                           reason: .method)
        }
        return nil
    }

    /// The JSON-RPC answer to one message: its result or its error, as one JSON body.
    private func answer(status: Int, id: RPCID?, _ outcome: Result<JSON, RPCError>, method: String,
                        extra: [String: String] = [:]) -> Response {
        var message: [String: JSON] = ["jsonrpc": "2.0", "id": id?.json ?? .null]
        switch outcome {
        case .success(let result): message["result"] = result
        case .failure(let error): message["error"] = error.json
        }
        metrics.httpRequest(route: "mcp", method: method, status: status)
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in extra {
            if let field = HTTPFieldName(name) { fields[field] = value }
        }
        return Response(status: HTTPResponse.Status(code: status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(.object(message)))))
    }

    /// A call's key for `notifications/cancelled`: its session and its id as JSON (`7` and `"7"` differ).
    static func rpcKey(session: String, id: RPCID) -> String { session + " " + String(decoding: JSONWriter.bytes(id.json), as: UTF8.self) }

    private func refuse(_ refusal: Refusal, id: RPCID?, method: String, requestID: String) -> Response {
        metrics.refused(refusal.reason)
        metrics.httpRequest(route: "mcp", method: method, status: refusal.status)
        logger.notice("request refused", metadata: [
            "request_id": "\(requestID)", "status": "\(refusal.status)", "reason": "\(refusal.reason.rawValue)",
        ])
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in refusal.headers {
            if let field = HTTPFieldName(name) { fields[field] = value }
        }
        return Response(status: HTTPResponse.Status(code: refusal.status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(refusal.message(id: id)))))
    }

    /// The body, up to the size limit and within the body deadline: a client that sends it too
    /// slowly has its connection closed (and gets 408 if it is still listening).
    private func readBody(_ request: Request, channel: any Channel) async -> Result<[UInt8], Refusal> {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > configuration.maxBodyBytes {
            return .failure(tooLarge())
        }
        let late = Flag()
        let watch = deadlines.watch(until: .now + configuration.bodyTimeout) {
            late.set()
            channel.close(promise: nil)
        }
        defer { deadlines.unwatch(watch) }
        do {
            let buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
            return .success(Array(buffer.readableBytesView))
        } catch is NIOTooManyBytesError {
            return .failure(tooLarge())
        } catch {
            if late.isSet {
                return .failure(Refusal(status: 408, code: Refusal.invalidRequestCode,
                                        message: "Request Timeout: the body did not arrive within \(configuration.bodyTimeout)",
                                        reason: .bodySize))
            }
            return .failure(Refusal(status: 400, code: -32700, message: "Bad Request: could not read the request body",
                                    reason: .bodySize))
        }
    }

    private func tooLarge() -> Refusal {
        Refusal(status: 413, code: Refusal.invalidRequestCode,
                message: "Content Too Large: request bodies are limited to \(configuration.maxBodyBytes) bytes", reason: .bodySize)
    }

    /// Lower-case names; repeated headers joined with ", " (RFC 9110). Host comes from the
    /// request's authority, where HTTPTypes keeps it.
    static func headers(of request: Request) -> [String: String] {
        var headers = [String: String](minimumCapacity: request.headers.count + 1)
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        if let authority = request.head.authority { headers["host"] = authority }
        return headers
    }

    /// `text` cut to `limit` characters for a span attribute; most values are shorter, and
    /// counting their bytes costs less than walking their characters.
    static func clipped(_ text: String, to limit: Int) -> String {
        text.utf8.count <= limit ? text : String(text.prefix(limit))
    }

    /// Short, random, unique enough to follow one request through the logs.
    static func newRequestID() -> String {
        let value = UInt64.random(in: 0...UInt64.max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// HTTPTypes' field name, reached through the `HTTPFields` that Hummingbird re-exports.
typealias HTTPFieldName = HTTPFields.Element.Name
