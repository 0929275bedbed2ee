/// Why a bearer token was not accepted. Each case is one sentence a client may be shown
/// (`error_description`, and the JSON-RPC error's message): it names what is wrong with the
/// token, never the token, and carries no quote or backslash (it goes into a header).
enum TokenRejection: Error, Sendable, Equatable {
    case malformed
    case unsignedToken
    case unsupportedAlgorithm(String)
    case criticalHeader
    case missingKeyID
    case unknownKey(String)
    case algorithmMismatch(token: String, key: String)
    case badSignature
    case missingExpiry
    case expired
    case notYetValid
    case wrongIssuer
    case wrongAudience
    /// The token is valid, but names no identity zava knows: 403, not 401 (signing in again
    /// with the same account would not help).
    case noIdentity(String)

    /// 401 for every token that is not valid; 403 for a valid one that maps to no identity.
    var status: Int {
        if case .noIdentity = self { return 403 }
        return 401
    }

    var description: String {
        switch self {
        case .malformed: "the bearer token is not a well-formed JWT"
        case .unsignedToken: "unsigned tokens (alg none) are not accepted"
        case .unsupportedAlgorithm(let alg): "the token's algorithm \(Self.clean(alg)) is not accepted"
        case .criticalHeader: "the token has critical header extensions zava does not understand"
        case .missingKeyID: "the token names no signing key (kid)"
        case .unknownKey(let kid): "the token's signing key \(Self.clean(kid)) is not in the issuer's key set"
        case .algorithmMismatch(let token, let key):
            "the token's algorithm \(Self.clean(token)) is not its key's (\(key))"
        case .badSignature: "the token's signature does not verify"
        case .missingExpiry: "the token has no expiry (exp)"
        case .expired: "the token has expired"
        case .notYetValid: "the token is not valid yet (nbf)"
        case .wrongIssuer: "the token's issuer is not the one this server trusts"
        case .wrongAudience: "the token was not issued for this server (aud)"
        case .noIdentity(let reason): reason
        }
    }

    /// A value taken from a token, made safe to show: short, and without characters that
    /// would end a quoted header value.
    static func clean(_ text: String) -> String {
        String(text.prefix(64).map { $0.isASCII && !$0.isNewline && $0 != "\"" && $0 != "\\" ? $0 : "?" })
    }
}
