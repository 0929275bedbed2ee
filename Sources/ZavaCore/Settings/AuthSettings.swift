import Foundation

/// Verified-token mode of `zava --serve`, under the sample's variable names (`AZURE_TENANT_ID`,
/// `AZURE_AUDIENCE`, `AUTH_ISSUER`, `AUTH_JWKS_URI`, `AUTH_RLS_CLAIM`, `AUTH_DEV_HMAC_SECRET`)
/// or their `ZAVA_AUTH_*` equivalents. This is where the rules live that turn those variables
/// into an issuer and a key source: Entra ID's from the tenant unless `AUTH_ISSUER` /
/// `AUTH_JWKS_URI` say otherwise, any other OIDC issuer through its discovery document.
public struct AuthSettings: Sendable, Equatable {
    /// Where a token's signature is checked.
    public enum Mode: Sendable, Equatable {
        /// An identity provider's public keys (RS256/ES256).
        case identityProvider(keys: KeySource)
        /// A shared secret (HS256) for local development: anyone holding it can mint any identity.
        case developmentSecret(String)
    }

    /// Where the identity provider's keys come from.
    public enum KeySource: Sendable, Equatable {
        /// A JWKS document at this URL.
        case jwks(URL)
        /// The issuer's OIDC discovery document (`/.well-known/openid-configuration`), whose `jwks_uri` names the JWKS.
        case discovery(URL)
    }

    public var mode: Mode
    /// Accepted `iss` values, the first one being the authorization server clients are sent to.
    public var issuers: [String]
    /// Accepted `aud` values; empty means the resource's own URL (RFC 8707).
    public var audiences: [String]
    /// The claim holding the identity: an rls_user_id, a profile or a store name, or with
    /// `claimMapFile` values (groups, roles) mapped to identities.
    public var identityClaim: String
    /// A file of `<claim value> <identity>` lines (`ZAVA_AUTH_CLAIM_MAP`).
    public var claimMapFile: URL?
    /// Scopes clients should ask for (Protected Resource Metadata's `scopes_supported`).
    public var scopes: [String]
    /// The endpoint's public URL when it differs from where it listens (behind a proxy).
    public var resource: String?
    /// Tolerance for `exp` and `nbf` against this machine's clock.
    public var clockSkew: Duration
    /// How often the key set is fetched again regardless of demand.
    public var keyRefreshInterval: Duration
    /// The least time between two fetches caused by tokens naming an unknown key.
    public var keyRefreshMinimumInterval: Duration
    /// `AZURE_TENANT_ID`, when the issuer came from it (shown at start-up).
    public var tenantID: String?

    public static let defaultIdentityClaim = "rls_user_id"
    public static let developmentIssuer = "zava-dev"
    /// A development secret shorter than this is refused: HS256 keys are guessable offline.
    public static let minimumSecretLength = 32

    public var isDevelopment: Bool {
        if case .developmentSecret = mode { return true }
        return false
    }

    public init(mode: Mode, issuers: [String], audiences: [String] = [], identityClaim: String = defaultIdentityClaim,
                claimMapFile: URL? = nil, scopes: [String] = [], resource: String? = nil,
                clockSkew: Duration = .seconds(60), keyRefreshInterval: Duration = .seconds(3_600),
                keyRefreshMinimumInterval: Duration = .seconds(30), tenantID: String? = nil) {
        self.mode = mode
        self.issuers = issuers
        self.audiences = audiences
        self.identityClaim = identityClaim
        self.claimMapFile = claimMapFile
        self.scopes = scopes
        self.resource = resource
        self.clockSkew = clockSkew
        self.keyRefreshInterval = keyRefreshInterval
        self.keyRefreshMinimumInterval = keyRefreshMinimumInterval
        self.tenantID = tenantID
    }

    /// Entra ID's issuers for a tenant: v2.0 access tokens, then v1.0 ones (an app registration
    /// issues v1.0 tokens unless its manifest asks for v2).
    public static func entraIssuers(tenant: String) -> [String] {
        ["https://login.microsoftonline.com/\(tenant)/v2.0", "https://sts.windows.net/\(tenant)/"]
    }

    /// Entra ID's signing keys for a tenant.
    public static func entraKeys(tenant: String) -> URL? {
        URL(string: "https://login.microsoftonline.com/\(tenant)/discovery/v2.0/keys")
    }

    /// The settings, or nil when no token setting is present (header or `--tokens` mode).
    static func load(_ keys: SettingValues, directory: URL) throws -> AuthSettings? {
        func named(_ sample: String, _ zava: String) throws -> String? {
            let given = (keys.string(sample), keys.string(zava))
            if let first = given.0, let second = given.1, first != second {
                throw ConfigurationError(key: zava, value: second, expected: "the same value as \(sample) (\(first)), or only one of them")
            }
            return given.1 ?? given.0
        }
        let tenant = try named("AZURE_TENANT_ID", "ZAVA_AUTH_TENANT_ID")
        let audience = try named("AZURE_AUDIENCE", "ZAVA_AUTH_AUDIENCE")
        let issuer = try named("AUTH_ISSUER", "ZAVA_AUTH_ISSUER")
        let jwksURI = try named("AUTH_JWKS_URI", "ZAVA_AUTH_JWKS_URI")
        let claim = try named("AUTH_RLS_CLAIM", "ZAVA_AUTH_RLS_CLAIM")
        let secret = try named("AUTH_DEV_HMAC_SECRET", "ZAVA_AUTH_DEV_HMAC_SECRET")
        let claimMap = keys.string("ZAVA_AUTH_CLAIM_MAP")
        let scopes = keys.string("ZAVA_AUTH_SCOPES")
        let resource = keys.string("ZAVA_AUTH_RESOURCE")
        let tuning = ["ZAVA_AUTH_CLOCK_SKEW_SECONDS", "ZAVA_AUTH_JWKS_REFRESH_SECONDS", "ZAVA_AUTH_JWKS_MIN_REFRESH_SECONDS"]
        let modeKeys: [String?] = [tenant, issuer, jwksURI, secret]
        guard modeKeys.contains(where: { $0 != nil }) else {
            let stray = [("AZURE_AUDIENCE", audience), ("AUTH_RLS_CLAIM", claim), ("ZAVA_AUTH_CLAIM_MAP", claimMap),
                         ("ZAVA_AUTH_SCOPES", scopes), ("ZAVA_AUTH_RESOURCE", resource)]
                .compactMap { $0.1 == nil ? nil : $0.0 } + tuning.filter { keys.string($0) != nil }
            if let first = stray.first {
                // Half a token configuration must not leave the endpoint in header mode, where
                // any client may name any identity.
                throw ConfigurationError(key: first, value: keys.string(first) ?? "set",
                                         expected: "to be set together with AZURE_TENANT_ID, AUTH_ISSUER or AUTH_DEV_HMAC_SECRET, "
                                             + "which turn verified-token mode on")
            }
            return nil
        }

        let mode: Mode
        var issuers: [String]
        if let secret {
            if let other = [("AZURE_TENANT_ID", tenant), ("AUTH_JWKS_URI", jwksURI)].first(where: { $0.1 != nil }) {
                throw ConfigurationError(key: "AUTH_DEV_HMAC_SECRET", value: "(set)",
                                         expected: "not to be combined with \(other.0): choose the development secret or an identity provider")
            }
            guard secret.utf8.count >= minimumSecretLength else {
                throw ConfigurationError(key: "AUTH_DEV_HMAC_SECRET", value: "(\(secret.utf8.count) bytes)",
                                         expected: "at least \(minimumSecretLength) bytes (e.g. openssl rand -base64 32)")
            }
            mode = .developmentSecret(secret)
            issuers = [issuer ?? developmentIssuer]
        } else if let tenant {
            guard UUID(uuidString: tenant) != nil, let keysURL = entraKeys(tenant: tenant.lowercased()) else {
                throw ConfigurationError(key: "AZURE_TENANT_ID", value: tenant,
                                         expected: "the tenant's ID (a GUID, the Directory ID in the Azure portal); a domain, "
                                             + "common or organizations would accept tokens whose issuer zava cannot pin")
            }
            issuers = issuer.map { [$0] } ?? entraIssuers(tenant: tenant.lowercased())
            mode = .identityProvider(keys: .jwks(try jwksURI.map { try fetchable($0, key: "AUTH_JWKS_URI") } ?? keysURL))
        } else if let issuer {
            issuers = [issuer]
            if let jwksURI {
                mode = .identityProvider(keys: .jwks(try fetchable(jwksURI, key: "AUTH_JWKS_URI")))
            } else {
                mode = .identityProvider(keys: .discovery(try fetchable(issuer, key: "AUTH_ISSUER")))
            }
        } else {
            throw ConfigurationError(key: "AUTH_JWKS_URI", value: jwksURI ?? "",
                                     expected: "to come with AUTH_ISSUER or AZURE_TENANT_ID: a token's issuer is checked as well as its signature")
        }

        var settings = AuthSettings(mode: mode, issuers: issuers)
        settings.tenantID = secret == nil ? tenant : nil
        settings.audiences = list(audience)
        settings.identityClaim = claim ?? defaultIdentityClaim
        settings.claimMapFile = claimMap.map { URL(fileURLWithPath: $0, relativeTo: directory).standardizedFileURL }
        settings.scopes = list(scopes)
        if let resource {
            guard let url = URL(string: resource), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ConfigurationError(key: "ZAVA_AUTH_RESOURCE", value: resource, expected: "the endpoint's public URL, e.g. https://zava.example.com/mcp")
            }
            settings.resource = resource
        }
        settings.clockSkew = .seconds(try keys.integer(tuning[0], 60, range: 0...600))
        settings.keyRefreshInterval = .seconds(try keys.integer(tuning[1], 3_600, range: 10...86_400))
        settings.keyRefreshMinimumInterval = .seconds(try keys.integer(tuning[2], 30, range: 1...3_600))
        return settings
    }

    /// A URL zava fetches keys from: https, or http on this machine only (a stand-in server).
    public static func fetchable(_ text: String, key: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
            throw ConfigurationError(key: key, value: text, expected: "an https URL")
        }
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw ConfigurationError(key: key, value: text, expected: "an https URL (plain http only on localhost): keys fetched in the clear could be replaced")
        }
        return url
    }

    /// Comma- or space-separated values.
    private static func list(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }
}
