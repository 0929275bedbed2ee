import Foundation
import Hummingbird
import Logging
import MCP
import NIOCore

/// The HTTP side of the MCP route, in the order the checks matter:
/// Host and Origin (DNS rebinding), identity (from the headers alone: an unauthenticated
/// caller's body is never read), body size and its deadline, then the SDK transport.
/// Nothing reaches MCP - let alone the database - before all of them passed.
///
/// A well-formed `tools/call` whose session and headers the transport would accept is then
/// answered directly (`DirectToolCall`): the same `ToolCallRunner` runs it, the answer is the
/// JSON-RPC message the SDK server would have sent, as `application/json` rather than an SSE
/// event. That skips the SDK's repeated `Value` decoding, which cost more CPU than the call.
struct MCPEndpoint: Sendable {
    let configuration: MCPServerConfiguration
    let listening: ListeningState
    let policies: OriginPolicyCache
    let authenticator: RequestAuthenticator
    let host: any TransportHost
    let runner: ToolCallRunner
    let inFlight: InFlightRequests
    let deadlines: RequestDeadlines
    let metrics: ServerMetrics
    let logger: Logger

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

    func respond(_ request: Request, context: MCPRequestContext) async -> Response {
        if let refusal = refusingForeignOrigin(request) { return refusal }
        let requestID = Self.newRequestID()
        let method = request.method.rawValue
        let headers = Self.headers(of: request)

        let principal: Principal
        switch authenticator.authenticate(identityHeader: headers[RequestAuthenticator.identityHeader],
                                          authorization: headers["authorization"]) {
        case .success(let decided): principal = decided
        case .failure(let refusal): return refuse(refusal, id: nil, method: method, requestID: requestID)
        }

        var body: Data?
        if request.method == .post {
            switch await readBody(request, channel: context.channel) {
            case .success(let read): body = read
            case .failure(let refusal): return refuse(refusal, id: nil, method: method, requestID: requestID)
            }
        }
        // A well-formed tools/call is read once, by PlainJSON; any other body gets the
        // envelope reading (and, later, the SDK's).
        let direct = configuration.directToolCalls ? body.flatMap(DirectToolCall.init(body:)) : nil
        let envelope = direct?.envelope ?? body.flatMap(JSONRPCEnvelope.init(body:))

        if let rpcMethod = envelope?.method { metrics.rpcRequest(method: rpcMethod) }
        if configuration.directToolCalls, request.method == .post {
            let transport = TransportHeaders(headers)
            if let direct, let answerHeaders = await host.admitDirect(transport, principal: principal) {
                return await answer(direct, headers: answerHeaders, principal: principal, requestID: requestID, channel: context.channel)
            }
            if let target = envelope?.cancelledID, let session = transport.sessionID,
               await host.admitDirect(transport, principal: principal) != nil {
                inFlight.cancel(rpcKey: Self.rpcKey(session: session, id: target.jsonFragment))
            }
        }
        let mcpRequest = MCP.HTTPRequest(method: method, headers: InternalHeaders.stamp(headers, requestID: requestID, principal: principal),
                                         body: body, path: request.uri.path)
        let tracked = request.method == .post && envelope?.isRequest == true
        if tracked { inFlight.begin(requestID, channel: context.channel) }
        let answer = await host.handle(mcpRequest, envelope: envelope, principal: principal)
        logger.debug("mcp request", metadata: [
            "request_id": "\(requestID)", "method": "\(method)", "rpc": "\(envelope?.method ?? "-")",
            "profile": "\(principal.identity.profile)",
        ])
        switch answer {
        case .refused(let refusal):
            if tracked { inFlight.end(requestID) }
            return refuse(refusal, id: envelope?.id, method: method, requestID: requestID)
        case .transport(let response):
            metrics.httpRequest(route: "mcp", method: method, status: response.statusCode)
            if case .stream = response {
                return convert(response, endingTracking: tracked ? requestID : nil)
            }
            if tracked { inFlight.end(requestID) }
            return convert(response, endingTracking: nil)
        }
    }

    /// Runs a `tools/call` the host admitted, tracked like any call in flight (shutdown waits
    /// for it; a client that leaves or cancels it stops its SQL).
    private func answer(_ call: DirectToolCall, headers: [String: String], principal: Principal, requestID: String,
                        channel: any Channel) async -> Response {
        let session = headers[HTTPHeaderName.sessionID]
        inFlight.begin(requestID, channel: channel,
                       rpcKey: session.map { Self.rpcKey(session: $0, id: DirectToolCall.envelopeID(call.id).jsonFragment) })
        let outcome: Result<CallTool.Result, MCPError>
        do throws(MCPError) {
            outcome = .success(try await runner.call(call.name, arguments: call.arguments, principal: principal, requestID: requestID))
        } catch {
            outcome = .failure(error)
        }
        inFlight.end(requestID)
        metrics.httpRequest(route: "mcp", method: "POST", status: 200)
        logger.debug("mcp request", metadata: [
            "request_id": "\(requestID)", "method": "POST", "rpc": "\(CallTool.name)", "path": "direct",
            "profile": "\(principal.identity.profile)",
        ])
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in headers {
            if let field = HTTPFieldName(name) { fields[field] = value }
        }
        return Response(status: .ok, headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: DirectToolCall.response(id: call.id, outcome))))
    }

    static func rpcKey(session: String, id: String) -> String { session + " " + id }

    /// SDK response to Hummingbird response. A stream is piped as it comes; tracking of the
    /// request ends when the stream does (the answer was sent, or the client is gone).
    private func convert(_ response: MCP.HTTPResponse, endingTracking requestID: String?) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let field = HTTPFieldName(name) { fields[field] = value }
        }
        let status = HTTPResponse.Status(code: response.statusCode)
        let inFlight = self.inFlight
        if case .stream(let stream, _) = response {
            return Response(status: status, headers: fields, body: ResponseBody { writer in
                do {
                    for try await chunk in stream {
                        try await writer.write(ByteBuffer(bytes: chunk))
                    }
                } catch {
                    if let requestID { inFlight.end(requestID) }
                    throw error
                }
                if let requestID { inFlight.end(requestID) }
                try await writer.finish(nil)
            })
        }
        guard let data = response.bodyData else { return Response(status: status, headers: fields) }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func refuse(_ refusal: Refusal, id: JSONRPCEnvelope.ID?, method: String, requestID: String) -> Response {
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
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: refusal.body(id: id))))
    }

    /// The body, up to the size limit and within the body deadline: a client that sends it too
    /// slowly has its connection closed (and gets 408 if it is still listening).
    private func readBody(_ request: Request, channel: any Channel) async -> Result<Data, Refusal> {
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
            return .success(Data(buffer.readableBytesView))
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
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        if let authority = request.head.authority { headers["host"] = authority }
        return headers
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
