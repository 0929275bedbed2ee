import Foundation

/// Bearer tokens for `zava --serve --tokens FILE`: one per line, the token, then whitespace,
/// then the identity it stands for (a profile such as `seattle`, a full store name, or a
/// store's rls_user_id). `#` starts a comment line; blank lines are ignored:
///
///     # zava MCP tokens: <token> <identity>
///     k7Qm2Jx9Vb4Rt8Lw3Ns6Hy1Pd5Fg0Ce   seattle
///     Zr3Xb8Nq6Wt2Mv9Ky4Lp7Hs1Dj5Gf0Ua   headoffice
///
/// A token is at least 16 characters of visible ASCII and may appear only once. Errors name
/// the line, never the token. Keep the file private (chmod 600).
public struct TokenFile: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var token: String
        public var identity: String
        public var line: Int
    }

    public static let minimumTokenLength = 16

    public var entries: [Entry]

    public static func load(_ url: URL) throws -> TokenFile {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw TokenFileError(message: "cannot read the tokens file \(url.path): \(error.localizedDescription)")
        }
        return try parse(text, source: url.lastPathComponent)
    }

    public static func parse(_ text: String, source: String = "tokens") throws -> TokenFile {
        var entries: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let where_ = "\(source) line \(index + 1)"
            guard let split = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                throw TokenFileError(message: "\(where_): expected '<token> <identity>'")
            }
            let token = String(line[..<split])
            let identity = line[split...].trimmingCharacters(in: .whitespaces)
            guard token.count >= minimumTokenLength else {
                throw TokenFileError(message: "\(where_): the token is shorter than \(minimumTokenLength) characters")
            }
            guard token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                throw TokenFileError(message: "\(where_): a token must be visible ASCII characters only")
            }
            guard !entries.contains(where: { $0.token == token }) else {
                throw TokenFileError(message: "\(where_): this token already appears on an earlier line")
            }
            entries.append(Entry(token: token, identity: identity, line: index + 1))
        }
        guard !entries.isEmpty else { throw TokenFileError(message: "\(source): no tokens found") }
        return TokenFile(entries: entries)
    }
}

public struct TokenFileError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
