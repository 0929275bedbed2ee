import Foundation
import NIOConcurrencyHelpers
import ZavaCore

/// Decides, once per HTTP request and failing closed, which identity a request runs as.
///
/// - Header mode: `x-rls-user-id` names a store's rls_user_id, a profile or a store name. A
///   missing header is refused (401) unless the operator chose `--default-profile`; an unknown
///   or malformed one is refused (403). Nothing ever falls back to head office.
/// - Token mode: `Authorization: Bearer <token>` decides the identity; a missing or unknown
///   token is refused (401). `x-rls-user-id` can narrow a head-office token to one store, and is
///   ignored for a store's token: a header can never widen or switch a token's identity.
/// - JWT mode: a verified JWT decides the identity (`TokenVerifier`); without one, 401 with the
///   challenge that leads a client to the authorization server; a valid token naming no known
///   store, 403. `x-rls-user-id` is ignored: the identity provider, not the client, says who
///   the user is.
struct RequestAuthenticator: Sendable {
    enum Mode: Sendable {
        case header(defaultIdentity: Identity?)
        case tokens(TokenTable)
        case jwt(TokenVerifier)
    }

    static let identityHeader = "x-rls-user-id"
    /// Longer values are not identities; refusing them early keeps error messages short.
    static let maximumHeaderLength = 200

    let mode: Mode
    let directory: IdentityDirectory
    /// Resolved header values: the directory does not change while the server runs, and
    /// resolving (trimming, UUID parsing, name matching) costs a noticeable part of a call.
    private let memo = IdentityMemo()

    init(mode: Mode, directory: IdentityDirectory) {
        self.mode = mode
        self.directory = directory
    }

    /// The principal, or the refusal to send. `identityHeader` and `authorization` are the raw
    /// header values (nil when absent).
    func authenticate(identityHeader: String?, authorization: String?) async -> Result<Principal, Refusal> {
        switch mode {
        case .header(let defaultIdentity):
            guard let name = Self.present(identityHeader) else {
                if let defaultIdentity { return .success(Principal(identity: defaultIdentity, source: .defaultProfile)) }
                return .failure(refuse(401, "Unauthorized: no identity. Send the \(Self.identityHeader) header with a store's "
                                       + "rls_user_id or a profile (\(directory.profiles.joined(separator: ", "))); "
                                       + "zava never assumes head office.", challenge: "X-RLS-User-Id"))
            }
            return resolve(name).map { Principal(identity: $0, source: .header) }
        case .tokens(let table):
            guard let token = Self.bearerToken(authorization), let entry = table.lookup(token) else {
                let presented = Self.present(authorization) != nil
                return .failure(Refusal(
                    status: 401, code: Refusal.identityCode,
                    message: presented ? "Unauthorized: the bearer token is not valid" : "Unauthorized: a bearer token is required (Authorization: Bearer <token>)",
                    reason: .token,
                    headers: ["WWW-Authenticate": presented ? #"Bearer realm="zava", error="invalid_token""# : #"Bearer realm="zava""#]))
            }
            var principal = Principal(identity: entry.identity, source: .token, tokenLabel: entry.label)
            if entry.identity.isHeadOffice, let name = Self.present(identityHeader) {
                switch resolve(name) {
                case .success(let narrowed): principal.identity = narrowed
                case .failure(let refusal): return .failure(refusal)
                }
            }
            return .success(principal)
        case .jwt(let verifier):
            guard let token = Self.bearerToken(authorization) else {
                let presented = Self.present(authorization) != nil
                return .failure(Self.refusal(presented ? .malformed : nil, resource: verifier.resource))
            }
            return await verifier.principal(for: token).mapError { Self.refusal($0, resource: verifier.resource) }
        }
    }

    /// The refusal of a request without an acceptable JWT: 401 and the challenge (RFC 6750,
    /// RFC 9728) for a missing or invalid token, 403 for a valid one that names no store.
    static func refusal(_ rejection: TokenRejection?, resource: ProtectedResource) -> Refusal {
        guard let rejection else {
            return Refusal(status: 401, code: Refusal.identityCode,
                           message: "Unauthorized: sign in first: a bearer token is required (Authorization: Bearer <token>); "
                               + "the authorization server is named at \(resource.metadataURL)",
                           reason: .token, headers: ["WWW-Authenticate": resource.challenge(nil)])
        }
        if rejection.status == 403 {
            return Refusal(status: 403, code: Refusal.identityCode, message: "Forbidden: \(rejection.description)", reason: .identity)
        }
        return Refusal(status: 401, code: Refusal.identityCode, message: "Unauthorized: \(rejection.description)", reason: .token,
                       headers: ["WWW-Authenticate": resource.challenge(rejection)])
    }

    private func resolve(_ name: String) -> Result<Identity, Refusal> {
        guard name.count <= Self.maximumHeaderLength else {
            return .failure(refuse(403, "Forbidden: the \(Self.identityHeader) header is too long to be an identity"))
        }
        if let known = memo.identity(for: name) { return .success(known) }
        do {
            let identity = try directory.resolve(name)
            memo.remember(identity, for: name)
            return .success(identity)
        } catch {
            return .failure(refuse(403, "Forbidden: \(Self.identityHeader) names no known identity; known profiles: "
                                   + "\(directory.profiles.joined(separator: ", ")) (or a store's full name or rls_user_id)"))
        }
    }

    private func refuse(_ status: Int, _ message: String, challenge: String? = nil) -> Refusal {
        Refusal(status: status, code: Refusal.identityCode, message: message, reason: .identity,
                headers: challenge.map { ["WWW-Authenticate": $0] } ?? [:])
    }

    private static func present(_ value: String?) -> String? {
        guard let value else { return nil }
        // Foundation's trimming is slow on Linux and header values rarely need it: only when
        // one starts or ends with a blank.
        let blank = value.first?.isWhitespace == true || value.last?.isWhitespace == true
        let trimmed = blank ? value.trimmingCharacters(in: .whitespaces) : value
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The token of `Bearer <token>` (scheme case-insensitive, blanks around ignored), nil for
    /// anything else. Read byte by byte: it runs on every request of token mode, with values of
    /// a kilobyte or more, where splitting, lower-casing and trimming cost a visible share.
    static func bearerToken(_ authorization: String?) -> String? {
        guard let value = authorization else { return nil }
        let bytes = value.utf8
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        var start = bytes.startIndex
        while start < bytes.endIndex, isBlank(bytes[start]) { start = bytes.index(after: start) }
        for expected in "bearer".utf8 {
            // ASCII letters only: OR-ing 0x20 lower-cases them and maps nothing else onto them.
            guard start < bytes.endIndex, bytes[start] | 0x20 == expected else { return nil }
            start = bytes.index(after: start)
        }
        guard start < bytes.endIndex, isBlank(bytes[start]) else { return nil }
        while start < bytes.endIndex, isBlank(bytes[start]) { start = bytes.index(after: start) }
        var end = bytes.endIndex
        while end > start, isBlank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return start < end ? String(value[start..<end]) : nil
    }
}

/// Header value to identity, for values that resolved. Bounded: header values come from clients.
private final class IdentityMemo: Sendable {
    private let known = NIOLockedValueBox<[String: Identity]>([:])

    func identity(for name: String) -> Identity? { known.withLockedValue { $0[name] } }

    func remember(_ identity: Identity, for name: String) {
        known.withLockedValue {
            if $0.count >= 1_024 { $0.removeAll() }
            $0[name] = identity
        }
    }
}
