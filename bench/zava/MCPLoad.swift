import Foundation

/// A load generator for the MCP endpoint about as light as pgbench, so that the figures beside
/// pgbench's measure the server rather than the client: one thread drives every client's
/// keep-alive connection with poll(2), requests are formatted from bytes, and answers are framed
/// by Content-Length (or the last chunk) and checked for `"isError":false` without parsing JSON.
///
///     zava-bench mcp PORT CLIENTS SECONDS IDENTITY [MAX_ID] [query|analytic|date|floor] [legacy|modern]
///
/// IDENTITY is sent as `x-rls-user-id`, or, written `bearer:<token>`, as `Authorization: Bearer
/// <token>` (a server in verified-token or static-token mode).
/// `query` (the default) calls execute_sales_query with a primary-key point query on a random
/// order; `analytic` with the identity's 2025 revenue by category (`MCPLoad.analytic`); `date`
/// calls get_current_utc_date, which touches no database: the endpoint's own cost.
/// `legacy` (the default) opens a 2025-06-18 session per connection; `modern` sends stateless
/// 2026-07-28 requests (`_meta` and the Mcp-Method/Mcp-Name headers on every call).
/// `floor` posts the `date` request, headers and body alike, to a path with no route, so the
/// HTTP server reads it and answers 404: the cost of HTTP alone, before MCP or the database.
/// Prints one JSON line: calls, errors (HTTP statuses, 200 for a tool error), elapsed seconds
/// and every call's latency in microseconds.
struct MCPLoad {
    let port: Int
    let clients: Int
    let seconds: Double
    let identity: String
    let maxID: Int
    var tool = "query"
    var modern = false

    /// Seattle's (the identity's) 2025 revenue by category: the analytic figure of the benchmark.
    static let analytic = """
        SELECT c.category_name, sum(i.total_amount) AS revenue FROM retail.order_items i \
        JOIN retail.orders o USING (order_id) JOIN retail.products p USING (product_id) \
        JOIN retail.categories c USING (category_id) \
        WHERE o.order_date >= DATE '2025-01-01' AND o.order_date < DATE '2026-01-01' GROUP BY 1 ORDER BY 2 DESC
        """

    private final class Client {
        let socket: Int32
        var head: [UInt8] = []
        /// Received bytes; those before `start` were consumed already.
        var buffer: [UInt8] = []
        var start = 0
        var started: UInt64 = 0
        var id = 1

        init(socket: Int32) { self.socket = socket }
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    func run() throws {
        let clients = try (0..<self.clients).map { _ in try open() }
        var latencies: [Int] = []
        var errors: [Int] = []
        latencies.reserveCapacity(Int(seconds * 20_000))
        var fds = clients.map { pollfd(fd: $0.socket, events: Int16(POLLIN), revents: 0) }
        let start = Self.now()
        let deadline = start + UInt64(seconds * 1e9)
        for client in clients { try send(client) }
        var active = clients.count
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while active > 0 {
            guard poll(&fds, nfds_t(fds.count), 1_000) >= 0 else { throw Failure(description: "poll: \(errno)") }
            for index in fds.indices where fds[index].revents != 0 {
                let client = clients[index]
                let count = chunk.withUnsafeMutableBytes { recv(client.socket, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { throw Failure(description: "the server closed a connection") }
                client.buffer += chunk[0..<count]
                guard let answer = Self.answer(in: client.buffer[client.start...]) else { continue }
                let now = Self.now()
                client.start += answer.length
                if client.start == client.buffer.count {
                    client.buffer.removeAll(keepingCapacity: true)
                    client.start = 0
                } else if client.start > 65_536 {
                    client.buffer.removeFirst(client.start)
                    client.start = 0
                }
                if succeeded(answer) {
                    latencies.append(Int((now - client.started) / 1_000))
                } else {
                    errors.append(answer.status)
                }
                if now < deadline {
                    try send(client)
                } else {
                    fds[index].events = 0
                    active -= 1
                }
            }
        }
        let elapsed = Double(Self.now() - start) / 1e9
        for client in clients { close(client.socket) }
        print(#"{"calls":\#(latencies.count),"errors":\#(errors),"elapsed":\#(elapsed),"latencies_us":\#(latencies)}"#)
    }

    /// A connection with an initialized MCP session (stateful or stateless alike).
    private func open() throws -> Client {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "cannot connect to port \(port): \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let client = Client(socket: fd)
        let credential = identity.hasPrefix("bearer:") ? "Authorization: Bearer \(identity.dropFirst("bearer:".count))"
            : "x-rls-user-id: \(identity)"
        let base = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\(credential)\r\n"
            + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
        if modern {
            let name = ["query", "analytic"].contains(tool) ? "execute_sales_query" : "get_current_utc_date"
            client.head = Array((base + "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: \(name)\r\n").utf8)
            return client
        }
        let initialize = #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"zava-bench","version":"1"}}}"#
        let opened = try exchange(client, base + "Content-Length: \(initialize.utf8.count)\r\n\r\n" + initialize)
        var session = "MCP-Protocol-Version: 2025-06-18\r\n"
        if let id = opened.session { session += "Mcp-Session-Id: \(id)\r\n" }
        let note = #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#
        _ = try exchange(client, base + session + "Content-Length: \(note.utf8.count)\r\n\r\n" + note)
        client.head = Array((base + session).utf8)
        return client
    }

    /// Sends one request and waits for its whole answer (session set-up only).
    private func exchange(_ client: Client, _ request: String) throws -> (status: Int, session: String?) {
        try write(client.socket, Array(request.utf8))
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let answer = Self.answer(in: client.buffer[...]) {
                let head = String(decoding: client.buffer[0..<answer.headLength], as: UTF8.self)
                client.buffer.removeFirst(answer.length)
                guard (200..<300).contains(answer.status) else { throw Failure(description: "set-up answered \(answer.status)") }
                let session = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("mcp-session-id:") }
                    .map { $0.dropFirst("mcp-session-id:".count).trimmingCharacters(in: .whitespaces) }
                return (answer.status, session)
            }
            let count = chunk.withUnsafeMutableBytes { recv(client.socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw Failure(description: "the server closed the connection during set-up") }
            client.buffer += chunk[0..<count]
        }
    }

    private func send(_ client: Client) throws {
        client.id += 1
        let call = switch tool {
        case "query":
            #""name":"execute_sales_query","arguments":{"postgresql_query":"SELECT order_id, customer_id, store_id, order_date FROM retail.orders WHERE order_id = \#(Int.random(in: 1...maxID))"}"#
        case "analytic":
            #""name":"execute_sales_query","arguments":{"postgresql_query":"\#(Self.analytic)"}"#
        default:
            #""name":"get_current_utc_date","arguments":{}"#
        }
        let meta = modern
            ? #","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#
            : ""
        let body = #"{"jsonrpc":"2.0","id":\#(client.id),"method":"tools/call","params":{\#(call)\#(meta)}}"#
        var request = client.head
        if tool == "floor" { request.replaceSubrange(0..<"POST /mcp".utf8.count, with: "POST /no-route".utf8) }
        request += "Content-Length: \(body.utf8.count)\r\n\r\n".utf8
        request += body.utf8
        client.started = Self.now()
        try write(client.socket, request)
    }

    /// A tool call answered without error; for `floor`, the 404 of the path with no route.
    private func succeeded(_ answer: (status: Int, headLength: Int, length: Int, body: ArraySlice<UInt8>)) -> Bool {
        if tool == "floor" { return answer.status == 404 }
        return answer.status == 200 && Self.find(Self.noError, in: answer.body) != nil
    }

    private func write(_ socket: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
            guard sent > 0 else { throw Failure(description: "send: \(errno)") }
            offset += sent
        }
    }

    /// The first whole HTTP answer in `buffer`: its status, where its head ends (relative to the
    /// buffer's start), its length and body. Reads bytes only: the generator's CPU per call
    /// should be about pgbench's, which shares the machine with the server.
    static func answer(in buffer: ArraySlice<UInt8>) -> (status: Int, headLength: Int, length: Int, body: ArraySlice<UInt8>)? {
        let base = buffer.startIndex
        guard let headEnd = find(headTerminator, in: buffer), buffer.count >= 12 else { return nil }
        var status = 0
        for byte in buffer[(base + 9)..<(base + 12)] {
            guard (48...57).contains(byte) else { return nil }
            status = status * 10 + Int(byte - 48)
        }
        let head = buffer[base..<headEnd]
        let bodyStart = headEnd + 4
        if let length = contentLength(in: head) {
            guard buffer.endIndex >= bodyStart + length else { return nil }
            return (status, headEnd - base, bodyStart + length - base, buffer[bodyStart..<bodyStart + length])
        }
        if find(chunkedHeader, in: head, ignoringCase: true) != nil {
            guard let end = find(lastChunk, in: buffer[bodyStart...]) else { return nil }
            return (status, headEnd - base, end + 7 - base, buffer[bodyStart..<end])
        }
        return (status, headEnd - base, bodyStart - base, buffer[bodyStart..<bodyStart])
    }

    private static let headTerminator = Array("\r\n\r\n".utf8)
    private static let lastChunk = Array("\r\n0\r\n\r\n".utf8)
    private static let chunkedHeader = Array("\r\ntransfer-encoding: chunked".utf8)
    private static let contentLengthHeader = Array("\r\ncontent-length:".utf8)
    private static let noError = Array(#""isError":false"#.utf8)

    /// The value of the head's Content-Length field, if it has one.
    private static func contentLength(in head: ArraySlice<UInt8>) -> Int? {
        guard var index = find(contentLengthHeader, in: head, ignoringCase: true) else { return nil }
        index += contentLengthHeader.count
        while index < head.endIndex, head[index] == 32 { index += 1 }
        var value = 0
        var digits = 0
        while index < head.endIndex, (48...57).contains(head[index]) {
            value = value * 10 + Int(head[index] - 48)
            digits += 1
            index += 1
        }
        return digits > 0 ? value : nil
    }

    /// The index of `needle`'s first occurrence in `haystack` (`needle` in lower case when
    /// `ignoringCase`, which folds ASCII letters of `haystack` only).
    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>, ignoringCase: Bool = false) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let last = haystack.endIndex - needle.count
        var index = haystack.startIndex
        while index <= last {
            var offset = 0
            while offset < needle.count {
                var byte = haystack[index + offset]
                if ignoringCase, (65...90).contains(byte) { byte += 32 }
                guard byte == needle[offset] else { break }
                offset += 1
            }
            if offset == needle.count { return index }
            index += 1
        }
        return nil
    }

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
