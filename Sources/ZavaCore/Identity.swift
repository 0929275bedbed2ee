import Foundation

/// Who a request runs as: head office or one store, by its `rls_user_id`.
///
/// Resolved once per front-end request from a profile name, a full store name or a UUID,
/// against `retail.stores` (the database, not Swift, is the list of stores).
public struct Identity: Sendable, Hashable, CustomStringConvertible {
    /// The all-zero UUID the RLS policies treat as head office (sql/020_security.sql).
    public static let headOfficeID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// Short profile name: `headoffice`, `seattle`, `online`, ...
    public var profile: String
    public var rlsUserID: UUID
    /// The store's full name; nil for head office.
    public var storeName: String?
    public var storeID: Int?

    public var isHeadOffice: Bool { rlsUserID == Identity.headOfficeID }

    public static let headOffice = Identity(profile: "headoffice", rlsUserID: headOfficeID, storeName: nil, storeID: nil)

    public var description: String {
        if let storeName { "\(profile) (\(storeName))" } else { "\(profile) (head office: every store)" }
    }
}

/// An identity name that matches no store: never silently replaced by head office.
public struct UnknownIdentityError: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var known: [String]

    public var description: String {
        "unknown profile or store '\(name)'; known profiles: \(known.joined(separator: ", ")) (or a store's full name or rls_user_id)"
    }
}

/// Every identity the database knows, for resolving names typed by people or sent by clients.
public struct IdentityDirectory: Sendable {
    public let identities: [Identity]

    public init(stores: [(id: Int, name: String, rlsUserID: UUID)]) {
        let shortNames = IdentityDirectory.shortNames(for: stores.map(\.name))
        identities = [Identity.headOffice] + zip(stores, shortNames).map { store, short in
            Identity(profile: short, rlsUserID: store.rlsUserID, storeName: store.name, storeID: store.id)
        }
    }

    public var profiles: [String] { identities.map(\.profile) }

    /// Resolves a profile name, full store name or UUID (case-insensitive); throws for anything else.
    public func resolve(_ name: String) throws -> Identity {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        let aliases = ["hq": "headoffice", "head-office": "headoffice", "head office": "headoffice"]
        let wanted = aliases[key] ?? key
        if let uuid = UUID(uuidString: wanted), let match = identities.first(where: { $0.rlsUserID == uuid }) {
            return match
        }
        if let match = identities.first(where: { $0.profile == wanted || $0.storeName?.lowercased() == wanted }) {
            return match
        }
        throw UnknownIdentityError(name: name, known: profiles)
    }

    /// "Zava Retail Seattle" -> "seattle": the names without the words all stores share.
    static func shortNames(for names: [String]) -> [String] {
        let words = names.map { $0.split(separator: " ").map(String.init) }
        var shared = 0
        if let first = words.first, words.count > 1 {
            while shared < first.count - 1, words.allSatisfy({ $0.count > shared + 1 && $0[shared] == first[shared] }) {
                shared += 1
            }
        }
        return words.map { $0.dropFirst(shared).joined(separator: "-").lowercased() }
    }
}
