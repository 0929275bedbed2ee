import Foundation

/// A TCP connection to the test server driven byte by byte, for limits no HTTP client would
/// test: how long the server keeps a silent, half-sent or trickling connection open. Waits
/// poll without blocking a thread (the server under test shares this process's threads).
final class RawConnection {
    enum State: Equatable {
        /// Open, nothing to read.
        case open
        /// The server closed it (or reset it).
        case closed
        /// The server sent something (an HTTP answer starts with its status line).
        case answered(String)
    }

    private let descriptor: Int32
    private var received = Data()

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(descriptor) }

    /// Sends `text`; false when the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// What the connection looks like now, without waiting.
    func state() -> State {
        var poll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard Glibc.poll(&poll, 1, 0) > 0 else { return .open }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return received.isEmpty ? .closed : .answered(String(decoding: received, as: UTF8.self)) }
        received.append(contentsOf: buffer[..<count])
        return .answered(String(decoding: received, as: UTF8.self))
    }

    /// Waits until the connection is no longer just open, or `limit` passes; returns the state.
    func wait(atMost limit: Duration) async -> State {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let now = state()
            if now != .open { return now }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return state()
    }

    /// The status code of an answer (`HTTP/1.1 401 ...`), if one came.
    static func status(_ state: State) -> Int? {
        guard case .answered(let text) = state, let line = text.split(separator: "\r\n").first else { return nil }
        let parts = line.split(separator: " ")
        return parts.count > 1 ? Int(parts[1]) : nil
    }
}
