import Foundation

/// The registered claims a signed token must satisfy: an expiry (`exp`) not passed and a
/// start (`nbf`, when present) reached, both with the configured clock skew; an issuer (`iss`)
/// this server trusts; an audience (`aud`) that names this server.
struct TokenClaimRules: Sendable, Equatable {
    var issuers: Set<String>
    var audiences: Set<String>
    var clockSkew: Duration

    /// nil when the claims are acceptable at `now` (seconds since 1970), else why not.
    func rejection(of claims: TokenClaims, now: Double) -> TokenRejection? {
        let skew = Double(clockSkew.components.seconds)
        guard let expires = claims.expires else { return .missingExpiry }
        guard now < expires + skew else { return .expired }
        if let notBefore = claims.notBefore, now + skew < notBefore { return .notYetValid }
        guard let issuer = claims.issuer, issuers.contains(issuer) else { return .wrongIssuer }
        guard claims.audiences.contains(where: audiences.contains) else { return .wrongAudience }
        return nil
    }

    /// Until when (seconds since 1970) a token accepted now stays acceptable.
    func acceptableUntil(_ claims: TokenClaims) -> Double {
        (claims.expires ?? 0) + Double(clockSkew.components.seconds)
    }
}
