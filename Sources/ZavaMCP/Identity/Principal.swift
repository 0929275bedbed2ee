import ZavaCore

/// Who a request runs as, and how that was decided (for logs and `whoami`).
public struct Principal: Sendable, Equatable {
    public enum Source: String, Sendable {
        /// The client's `x-rls-user-id` header.
        case header
        /// No header; the operator's `--default-profile`.
        case defaultProfile = "default-profile"
        /// A bearer token from `--tokens`.
        case token
    }

    public var identity: Identity
    public var source: Source
    /// Where the token is defined (`token@line3`); nil without tokens. Never the token.
    public var tokenLabel: String?

    /// How the audit trail names who asked: `header`, `default-profile` or `token:<label>`.
    public var auditName: String {
        switch source {
        case .header: "header"
        case .defaultProfile: "default-profile"
        case .token: "token:\(tokenLabel ?? "?")"
        }
    }
}
