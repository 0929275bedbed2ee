import ZavaCore

/// Which identity a verified token stands for: the value of one claim (`AUTH_RLS_CLAIM`,
/// default `rls_user_id`), resolved as a store's rls_user_id, a profile or a store name - or,
/// with a claim map, its values (groups, roles) looked up there. Exactly one identity must
/// come out; no claim, an unknown value or several identities are refused, never head office.
struct IdentityClaimMapper: Sendable {
    let claim: String
    let map: ClaimMap?
    let directory: IdentityDirectory

    func identity(from claims: TokenClaims) -> Result<Identity, TokenRejection> {
        let name = TokenRejection.clean(claim)
        guard let value = claims[claim] else {
            return .failure(.noIdentity("the token carries no \(name) claim, so it names no store; zava never assumes head office"))
        }
        let values = value.strings
        guard !values.isEmpty else {
            return .failure(.noIdentity("the token's \(name) claim is not a string or a list of strings"))
        }
        if let map {
            let found = Set(values.compactMap { map.identities[$0] })
            guard let identity = found.first else {
                return .failure(.noIdentity("none of the token's \(name) values is mapped to a store (ZAVA_AUTH_CLAIM_MAP)"))
            }
            guard found.count == 1 else {
                let profiles = found.map(\.profile).sorted().joined(separator: ", ")
                return .failure(.noIdentity("the token's \(name) values map to several identities (\(profiles)); zava needs exactly one"))
            }
            return .success(identity)
        }
        guard values.count == 1, let only = values.first else {
            return .failure(.noIdentity("the token's \(name) claim holds several values; without a claim map it must name one store"))
        }
        do {
            return .success(try directory.resolve(only))
        } catch {
            return .failure(.noIdentity("the token's \(name) claim names no known store (\(TokenRejection.clean(only))); known profiles: "
                                        + directory.profiles.joined(separator: ", ")))
        }
    }
}
