import ZavaCore

/// Who a request runs as, and how that was decided (for logs and `whoami`).
public struct Principal: Sendable, Equatable {
    public enum Source: String, Sendable, CaseIterable {
        /// The client's `x-rls-user-id` header.
        case header
        /// No header; the operator's `--default-profile`.
        case defaultProfile = "default-profile"
        /// A bearer token from `--tokens`.
        case token
        /// A JWT whose signature was checked against the identity provider's keys.
        case jwt
        /// A JWT signed with the development secret (`AUTH_DEV_HMAC_SECRET`).
        case developmentJWT = "dev-jwt"
    }

    public var identity: Identity
    public var source: Source
    /// Whom the pool and the session quotas charge besides the identity: a static token's line
    /// (`token@line3`) or a JWT's subject (`sub:...`). Never a token.
    public var tokenLabel: String?
    /// A JWT's `sub` claim: the signed-in user, whatever identity their claim maps to.
    public var subject: String?

    public init(identity: Identity, source: Source, tokenLabel: String? = nil, subject: String? = nil) {
        self.identity = identity
        self.source = source
        self.tokenLabel = tokenLabel
        self.subject = subject
    }

    /// How the audit trail names who asked: `header`, `default-profile`, `token:<line>`, or
    /// `jwt:<subject>` / `dev-jwt:<subject>` for a signed-in user.
    public var auditName: String {
        switch source {
        case .header: "header"
        case .defaultProfile: "default-profile"
        case .token: "token:\(tokenLabel ?? "?")"
        case .jwt, .developmentJWT: "\(source.rawValue):\(subject.map(TokenRejection.clean) ?? "?")"
        }
    }
}
