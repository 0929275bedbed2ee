import Foundation
import Testing
import ZavaCore

/// Verified-token mode from the environment: the sample's variable names, their ZAVA_AUTH_*
/// equivalents, the rules that derive an issuer and a key source, and the mistakes refused.
@Suite("Settings: verified-token mode")
struct AuthSettingsTests {
    static let directory = URL(fileURLWithPath: "/srv/zava", isDirectory: true)
    static let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

    func load(_ values: [String: String]) throws -> AuthSettings? {
        try Settings(values: values, directory: Self.directory).auth
    }

    func refusal(_ values: [String: String]) -> ConfigurationError? {
        do {
            _ = try load(values)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test("no token variable: header or --tokens mode, as before")
    func absent() throws {
        #expect(try load([:]) == nil)
        #expect(try load(["AUTH_ISSUER": "", "AZURE_TENANT_ID": ""]) == nil, "empty values count as unset")
    }

    @Test("the sample's names alone: issuer, JWKS and audience")
    func sampleNames() throws {
        let auth = try #require(try load(["AUTH_ISSUER": "https://login.example.com/tenant/v2.0",
                                          "AUTH_JWKS_URI": "https://login.example.com/tenant/keys",
                                          "AZURE_AUDIENCE": "api://zava"]))
        #expect(auth.mode == .identityProvider(keys: .jwks(URL(string: "https://login.example.com/tenant/keys")!)))
        #expect(auth.issuers == ["https://login.example.com/tenant/v2.0"])
        #expect(auth.audiences == ["api://zava"])
        #expect(auth.identityClaim == "rls_user_id")
        #expect(auth.clockSkew == .seconds(60))
        #expect(auth.keyRefreshMinimumInterval == .seconds(30))
        #expect(!auth.isDevelopment)
    }

    @Test("AZURE_TENANT_ID alone: Entra ID's v2.0 and v1.0 issuers and the tenant's keys")
    func entraFromTenant() throws {
        let auth = try #require(try load(["AZURE_TENANT_ID": Self.tenant, "AZURE_AUDIENCE": "api://zava, 00000000-1111-2222-3333-444444444444"]))
        #expect(auth.issuers == ["https://login.microsoftonline.com/\(Self.tenant)/v2.0", "https://sts.windows.net/\(Self.tenant)/"])
        #expect(auth.mode == .identityProvider(keys: .jwks(URL(string: "https://login.microsoftonline.com/\(Self.tenant)/discovery/v2.0/keys")!)))
        #expect(auth.audiences == ["api://zava", "00000000-1111-2222-3333-444444444444"])
        #expect(auth.tenantID == Self.tenant)
        // AUTH_ISSUER and AUTH_JWKS_URI override what the tenant implies.
        let overridden = try #require(try load(["AZURE_TENANT_ID": Self.tenant, "AUTH_ISSUER": "https://sts.windows.net/\(Self.tenant)/",
                                                "AUTH_JWKS_URI": "https://keys.example.com/jwks"]))
        #expect(overridden.issuers == ["https://sts.windows.net/\(Self.tenant)/"])
        #expect(overridden.mode == .identityProvider(keys: .jwks(URL(string: "https://keys.example.com/jwks")!)))
    }

    @Test("any OIDC issuer alone: keys through its discovery document; ZAVA_AUTH_* names work the same")
    func discovery() throws {
        let auth = try #require(try load(["ZAVA_AUTH_ISSUER": "https://accounts.example.org", "ZAVA_AUTH_RLS_CLAIM": "store",
                                          "ZAVA_AUTH_CLAIM_MAP": "config/claims.map", "ZAVA_AUTH_SCOPES": "zava.read openid",
                                          "ZAVA_AUTH_RESOURCE": "https://zava.example.com/mcp",
                                          "ZAVA_AUTH_JWKS_MIN_REFRESH_SECONDS": "5", "ZAVA_AUTH_CLOCK_SKEW_SECONDS": "0"]))
        #expect(auth.mode == .identityProvider(keys: .discovery(URL(string: "https://accounts.example.org")!)))
        #expect(auth.identityClaim == "store")
        #expect(auth.claimMapFile?.path == "/srv/zava/config/claims.map")
        #expect(auth.scopes == ["zava.read", "openid"])
        #expect(auth.resource == "https://zava.example.com/mcp")
        #expect(auth.keyRefreshMinimumInterval == .seconds(5) && auth.clockSkew == .zero)
        // Both names with the same value are fine.
        #expect(try load(["AUTH_ISSUER": "https://a.example", "ZAVA_AUTH_ISSUER": "https://a.example"])?.issuers == ["https://a.example"])
    }

    @Test("the development secret: HS256 mode with its own issuer, loudly not an identity provider")
    func development() throws {
        let secret = String(repeating: "s", count: 32)
        let auth = try #require(try load(["AUTH_DEV_HMAC_SECRET": secret]))
        #expect(auth.mode == .developmentSecret(secret))
        #expect(auth.issuers == ["zava-dev"])
        #expect(auth.isDevelopment)
        #expect(try load(["AUTH_DEV_HMAC_SECRET": secret, "AUTH_ISSUER": "my-dev"])?.issuers == ["my-dev"])
    }

    @Test("mistakes name the variable and what would do")
    func mistakes() {
        let secret = String(repeating: "s", count: 32)
        let cases: [([String: String], String, String)] = [
            (["AUTH_ISSUER": "https://a.example", "ZAVA_AUTH_ISSUER": "https://b.example"], "ZAVA_AUTH_ISSUER", "the same value as AUTH_ISSUER"),
            (["AZURE_TENANT_ID": "contoso.onmicrosoft.com"], "AZURE_TENANT_ID", "GUID"),
            (["AZURE_TENANT_ID": "common"], "AZURE_TENANT_ID", "GUID"),
            (["AUTH_ISSUER": "http://idp.example.com"], "AUTH_ISSUER", "https"),
            (["AUTH_ISSUER": "https://idp.example.com", "AUTH_JWKS_URI": "http://idp.example.com/keys"], "AUTH_JWKS_URI", "https"),
            (["AUTH_JWKS_URI": "https://idp.example.com/keys"], "AUTH_JWKS_URI", "AUTH_ISSUER"),
            (["AUTH_DEV_HMAC_SECRET": "short"], "AUTH_DEV_HMAC_SECRET", "at least 32 bytes"),
            (["AUTH_DEV_HMAC_SECRET": secret, "AZURE_TENANT_ID": Self.tenant], "AUTH_DEV_HMAC_SECRET", "AZURE_TENANT_ID"),
            // Half a configuration would leave header mode on, where anyone may name any store.
            (["AZURE_AUDIENCE": "api://zava"], "AZURE_AUDIENCE", "turn verified-token mode on"),
            (["AUTH_RLS_CLAIM": "store"], "AUTH_RLS_CLAIM", "turn verified-token mode on"),
            (["AUTH_ISSUER": "https://a.example", "ZAVA_AUTH_CLOCK_SKEW_SECONDS": "3600"], "ZAVA_AUTH_CLOCK_SKEW_SECONDS", "0...600"),
            (["AUTH_ISSUER": "https://a.example", "ZAVA_AUTH_RESOURCE": "zava"], "ZAVA_AUTH_RESOURCE", "public URL"),
        ]
        for (values, key, expected) in cases {
            let error = refusal(values)
            #expect(error?.key == key, "\(values): \(error.map(String.init(describing:)) ?? "accepted")")
            #expect(error?.description.contains(expected) == true, "\(values): \(error.map(String.init(describing:)) ?? "accepted")")
        }
        #expect(refusal(["AUTH_DEV_HMAC_SECRET": "short"])?.description.contains("short") == false, "the secret is never echoed")
    }

    @Test("http is allowed for key sets on this machine only (a stand-in provider)")
    func loopbackHTTP() throws {
        for host in ["127.0.0.1:8123", "localhost", "[::1]:9"] {
            #expect(try AuthSettings.fetchable("http://\(host)/keys", key: "K").scheme == "http")
        }
        #expect(throws: ConfigurationError.self) { try AuthSettings.fetchable("http://10.0.0.1/keys", key: "K") }
        #expect(throws: ConfigurationError.self) { try AuthSettings.fetchable("ftp://idp.example.com/keys", key: "K") }
    }
}
