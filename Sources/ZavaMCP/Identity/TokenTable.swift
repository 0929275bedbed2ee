import ZavaCore

/// The tokens of a `TokenFile`, each resolved to its identity once at start-up (an unknown
/// identity stops the server from starting rather than refusing requests later).
struct TokenTable: Sendable {
    struct Entry: Sendable {
        let secret: [UInt8]
        let identity: Identity
        /// Safe to log: where the token is defined, never the token itself.
        let label: String
    }

    let entries: [Entry]

    init(file: TokenFile, directory: IdentityDirectory) throws {
        entries = try file.entries.map { entry in
            do {
                return Entry(secret: Array(entry.token.utf8), identity: try directory.resolve(entry.identity),
                             label: "token@line\(entry.line)")
            } catch let error as UnknownIdentityError {
                throw TokenFileError(message: "tokens file line \(entry.line): \(error)")
            }
        }
    }

    /// The entry whose token equals `presented`. Every entry is compared in full, whatever
    /// matches, so the time taken does not reveal which token (or how much of one) was right.
    func lookup(_ presented: String) -> Entry? {
        let bytes = Array(presented.utf8)
        var match: Entry?
        for entry in entries where ConstantTime.equals(entry.secret, bytes) {
            match = entry
        }
        return match
    }
}
