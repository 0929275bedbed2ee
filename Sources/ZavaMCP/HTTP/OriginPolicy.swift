import NIOConcurrencyHelpers

/// DNS-rebinding protection. A web page can make a browser talk to 127.0.0.1 through a name it
/// controls; the `Host` such a request carries (and the `Origin` the browser adds) then names
/// that page, not this machine. Only allow-listed values pass.
struct OriginPolicy: Sendable, Equatable {
    let port: Int
    /// Lower-cased, as `matches` compares them.
    let hosts: [String]
    let origins: [String]

    /// localhost, 127.0.0.1 and [::1] on the bound port, plus what the configuration adds.
    init(configuration: MCPServerConfiguration, port: Int) {
        let local = ["localhost", "127.0.0.1", "[::1]"]
        self.port = port
        hosts = (local.map { "\($0):\(port)" } + configuration.allowedHosts).map { $0.lowercased() }
        origins = (local.map { "http://\($0):\(port)" } + configuration.allowedOrigins).map { $0.lowercased() }
    }

    /// nil when the request may proceed. A missing Host is refused: HTTP/1.1 requires it, and
    /// without it there is nothing to check.
    func check(host: String?, origin: String?) -> Refusal? {
        guard let host, !host.isEmpty else {
            return Refusal(status: 400, code: Refusal.invalidRequestCode, message: "Bad Request: a Host header is required",
                           reason: .host)
        }
        let lowerHost = host.lowercased()
        guard hosts.contains(where: { Self.matchesLowercased(lowerHost, $0) }) else {
            return Refusal(status: 421, code: Refusal.invalidRequestCode,
                           message: "Misdirected Request: Host '\(host.prefix(100))' is not allowed (see --allowed-host)",
                           reason: .host)
        }
        if let origin, !origins.contains(where: { [lowerOrigin = origin.lowercased()] in Self.matchesLowercased(lowerOrigin, $0) }) {
            return Refusal(status: 403, code: Refusal.invalidRequestCode,
                           message: "Forbidden: Origin '\(origin.prefix(100))' is not allowed (see --allowed-origin)",
                           reason: .origin)
        }
        return nil
    }

    /// `*` matches anything; `name:*` matches `name:<digits>`; anything else matches exactly
    /// (case-insensitively: host names are).
    static func matches(_ value: String, _ pattern: String) -> Bool {
        matchesLowercased(value.lowercased(), pattern.lowercased())
    }

    private static func matchesLowercased(_ value: String, _ pattern: String) -> Bool {
        if pattern == "*" { return true }
        guard pattern.hasSuffix(":*") else { return value == pattern }
        let prefix = pattern.dropLast(1)
        guard value.hasPrefix(prefix) else { return false }
        let port = value.dropFirst(prefix.count)
        return !port.isEmpty && port.allSatisfy(\.isASCII) && port.allSatisfy(\.isNumber)
    }
}

/// The policy of the bound port, built once: it is checked on every request.
final class OriginPolicyCache: Sendable {
    private let configuration: MCPServerConfiguration
    private let cached = NIOLockedValueBox<OriginPolicy?>(nil)

    init(configuration: MCPServerConfiguration) { self.configuration = configuration }

    func policy(port: Int) -> OriginPolicy {
        cached.withLockedValue { cached in
            if let cached, cached.port == port { return cached }
            let policy = OriginPolicy(configuration: configuration, port: port)
            cached = policy
            return policy
        }
    }
}
