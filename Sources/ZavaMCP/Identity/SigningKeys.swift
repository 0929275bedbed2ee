/// Where a token's key comes from: the identity provider's key set (`KeyRing`) or the
/// development secret (`DevelopmentKey`).
protocol SigningKeys: Sendable {
    /// The key `kid` names, or why there is none. Only an unknown `kid` may cause a fetch.
    func key(for kid: String?) async -> Result<SigningKey, TokenRejection>
    /// Changes whenever a key is removed or replaced, so tokens verified with it are checked again.
    var generation: Int { get }
    /// One line for `:server` and the start-up notes.
    var summary: String { get }
}

/// The development secret (HS256): one key, whatever `kid` a token names.
struct DevelopmentKey: SigningKeys {
    let key: SigningKey

    func key(for kid: String?) async -> Result<SigningKey, TokenRejection> { .success(key) }
    var generation: Int { 0 }
    var summary: String { "development secret (HS256)" }
}
