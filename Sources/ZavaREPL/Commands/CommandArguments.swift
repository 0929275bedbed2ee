import Foundation

/// A command line as the commands read it: the name as typed, the words after it, and the
/// text after it as typed. One tokenizer serves every command, so quoting works the same
/// for `:search`, `:run`, `\copy` and the backslash commands.
struct CommandArguments {
    /// The line, trimmed of spaces at either end.
    let line: String
    /// The command's name as typed (`\dt+`, `:Export!`).
    let name: String
    /// The words after the name, split at spaces (quotes are not read).
    let words: [String]

    init(_ line: String) throws {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let words = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let name = words.first else { throw MetaCommand.ParseError(description: "empty command") }
        self.line = trimmed
        self.name = name
        self.words = Array(words.dropFirst())
    }

    /// The words after the name joined by single spaces; nil when there are none.
    var rest: String? { words.isEmpty ? nil : words.joined(separator: " ") }

    /// The line's text after its first `count` words (the name is the first), spacing kept:
    /// a query stays as typed.
    func text(after count: Int) -> String {
        var rest = Substring(line)
        for _ in 0..<count {
            rest = rest.drop { $0 != " " }.drop { $0 == " " }
        }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    /// The arguments after the name as typed (spacing inside quotes kept), split into words.
    func values() throws -> [String] { try Self.tokens(text(after: 1)) }

    /// Command arguments: words, or quoted text ('Power Tools' or "Power Tools") as one
    /// argument, a doubled quote inside standing for itself ('it''s'). A quote opens only at the
    /// start of a word: `kid's` and `1/2"` stay plain text. `command` names the command in errors.
    static func tokens(_ text: String, in command: String? = nil) throws -> [String] {
        var arguments: [String] = []
        var word: String?
        var quote: Character?
        var characters = text.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if let open = quote {
                if character != open {
                    word?.append(character)
                } else if pending == open {
                    word?.append(open)
                    pending = characters.next()
                } else {
                    quote = nil
                }
            } else if character == " " {
                if let finished = word { arguments.append(finished) }
                word = nil
            } else if word == nil, character == "'" || character == "\"" {
                quote = character
                word = ""
            } else {
                word = (word ?? "") + String(character)
            }
        }
        guard quote == nil else {
            throw MetaCommand.ParseError(description: "unterminated quote in \(command.map { $0 + " " } ?? "")\(text)")
        }
        if let word { arguments.append(word) }
        return arguments
    }

    /// `on`, `off`, or nothing (nil: switch); `command` names the command in the error.
    static func onOff(_ text: String?, command: String) throws -> Bool? {
        switch text?.lowercased() {
        case nil: nil
        case "on": true
        case "off": false
        default: throw MetaCommand.ParseError(description: "\(command) takes on or off")
        }
    }
}
