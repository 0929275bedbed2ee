import Foundation
import ZavaCore

/// The MCP endpoint as an OAuth 2.1 protected resource: its URL (the audience tokens must name
/// when none is configured, RFC 8707), its Protected Resource Metadata (RFC 9728), and the
/// `WWW-Authenticate` challenge of a 401 that points clients at that metadata, from which they
/// find the authorization server and sign the user in.
struct ProtectedResource: Sendable {
    static let metadataPath = "/.well-known/oauth-protected-resource"

    let settings: AuthSettings
    let configuration: MCPServerConfiguration
    let listening: ListeningState

    var url: String { Self.url(settings, configuration: configuration, port: listening.port ?? configuration.port) }

    var audiences: Set<String> { Self.audiences(settings, url: url) }

    /// `ZAVA_AUTH_RESOURCE`, else the URL the endpoint listens at.
    static func url(_ settings: AuthSettings, configuration: MCPServerConfiguration, port: Int) -> String {
        settings.resource ?? configuration.endpointURL(port: port)
    }

    /// The `aud` values a token may carry: the configured audiences, else the resource's URL.
    static func audiences(_ settings: AuthSettings, url: String) -> Set<String> {
        settings.audiences.isEmpty ? [url] : Set(settings.audiences)
    }

    /// Where the metadata is served: the well-known path at the resource's origin.
    var metadataURL: String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return Self.metadataPath
        }
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost)\(components.port.map { ":\($0)" } ?? "")\(Self.metadataPath)"
    }

    /// The metadata document: this resource, who issues its tokens, how to send them.
    var metadata: JSON {
        var document: [String: JSON] = [
            "resource": .string(url),
            "bearer_methods_supported": ["header"],
            "resource_name": "zava retail analytics (MCP)",
        ]
        // The development secret has no authorization server to send clients to.
        if !settings.isDevelopment, let issuer = settings.issuers.first { document["authorization_servers"] = [.string(issuer)] }
        if !settings.scopes.isEmpty { document["scopes_supported"] = .array(settings.scopes.map(JSON.string)) }
        return .object(document)
    }

    /// The `WWW-Authenticate` value of a 401: the metadata's URL and, when a token was
    /// presented, why it was not accepted (RFC 6750 section 3).
    func challenge(_ rejection: TokenRejection?) -> String {
        var parameters = [#"resource_metadata="\#(metadataURL)""#]
        if !settings.scopes.isEmpty { parameters.append(#"scope="\#(settings.scopes.joined(separator: " "))""#) }
        if let rejection {
            parameters.append(#"error="invalid_token""#)
            parameters.append(#"error_description="\#(rejection.description)""#)
        }
        return "Bearer " + parameters.joined(separator: ", ")
    }
}
