import Foundation
import ZavaCore

/// Claim values (Entra ID group object IDs, app role names, any IdP's group names) mapped to
/// identities, from the file `ZAVA_AUTH_CLAIM_MAP` names: one `<claim value> = <identity>` per
/// line, the identity a profile, a store's full name or its rls_user_id; `#` starts a comment
/// line. Every identity is resolved when the server starts, so a typo stops it there.
///
///     # Entra ID app roles -> zava identities
///     Store.Seattle     = seattle
///     Store.Redmond     = redmond
///     Analytics.All     = headoffice
struct ClaimMap: Sendable {
    let identities: [String: Identity]

    init(identities: [String: Identity]) { self.identities = identities }

    static func load(_ url: URL, directory: IdentityDirectory) throws -> ClaimMap {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ClaimMapError(message: "cannot read the claim map \(url.path): \(error.localizedDescription)")
        }
        return try parse(text, source: url.lastPathComponent, directory: directory)
    }

    static func parse(_ text: String, source: String = "claim map", directory: IdentityDirectory) throws -> ClaimMap {
        var identities: [String: Identity] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let place = "\(source) line \(index + 1)"
            guard let equals = line.firstIndex(of: "=") else {
                throw ClaimMapError(message: "\(place): expected '<claim value> = <identity>'")
            }
            let value = line[..<equals].trimmingCharacters(in: .whitespaces)
            let name = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty, !name.isEmpty else {
                throw ClaimMapError(message: "\(place): expected '<claim value> = <identity>'")
            }
            guard identities[value] == nil else {
                throw ClaimMapError(message: "\(place): \(value) is already mapped on an earlier line")
            }
            do {
                identities[value] = try directory.resolve(name)
            } catch let error as UnknownIdentityError {
                throw ClaimMapError(message: "\(place): \(error)")
            }
        }
        guard !identities.isEmpty else { throw ClaimMapError(message: "\(source): no mappings found") }
        return ClaimMap(identities: identities)
    }
}

public struct ClaimMapError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
