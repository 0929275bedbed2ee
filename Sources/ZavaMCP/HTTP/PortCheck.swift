import Foundation

/// Whether the endpoint's address can be listened on, asked before the server starts: a server
/// that fails to bind inside a running service group is cancelled by it, and that cancellation
/// can deadlock (ServiceLifecycle's merged shutdown signals against the task's status lock when
/// the task prefers a task executor), so a busy port is reported before there is a group.
enum PortCheck {
    /// Throws when nothing can listen on `host:port` now (port 0, any free port, always can).
    static func requireFree(host: String, port: Int) throws {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else { return } // the server says why
        defer { freeaddrinfo(first) }
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let entry = next {
            let fd = socket(entry.pointee.ai_family, entry.pointee.ai_socktype, entry.pointee.ai_protocol)
            if fd >= 0 {
                var on: Int32 = 1
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
                let bound = bind(fd, entry.pointee.ai_addr, entry.pointee.ai_addrlen)
                let code = errno
                close(fd)
                if bound != 0 && code == EADDRINUSE {
                    throw PortInUse(description: "address already in use")
                }
            }
            next = entry.pointee.ai_next
        }
    }

    struct PortInUse: Error, CustomStringConvertible {
        var description: String
    }
}
