
/// A tool call's arguments, read strictly: a wrong type, a missing required value or an
/// unknown name is an error that names the parameter, never a silent coercion.
struct ToolArguments: Sendable {
    let tool: String
    private let values: [String: JSON]

    /// - Parameter accepted: the parameter names the tool's schema declares.
    init(_ values: [String: JSON]?, tool: String, accepted: [String]) throws {
        self.tool = tool
        self.values = values ?? [:]
        let unknown = self.values.keys.filter { !accepted.contains($0) }.sorted()
        if !unknown.isEmpty {
            let expected = accepted.isEmpty ? "it takes no parameters" : "it takes: \(accepted.joined(separator: ", "))"
            throw ToolArgumentError("\(tool): unknown parameter\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")); \(expected)")
        }
    }

    func string(_ name: String) throws -> String {
        switch values[name] {
        case .string(let text)?: return text
        case nil, .null?: throw missing(name)
        default: throw mismatch(name, "a string")
        }
    }

    /// A string that may be left out (or null).
    func optionalString(_ name: String) throws -> String? {
        guard let value = values[name], value != .null else { return nil }
        return try string(name)
    }

    func strings(_ name: String) throws -> [String] {
        switch values[name] {
        case .array(let items)?:
            return try items.enumerated().map { index, item in
                guard case .string(let text) = item else {
                    throw ToolArgumentError("\(tool): \(name)[\(index)] must be a string, got \(item.kind)")
                }
                return text
            }
        case nil, .null?: throw missing(name)
        default: throw mismatch(name, "an array of strings")
        }
    }

    /// An integer; `20.0` is accepted as 20, `20.5`, `"20"` and `true` are not.
    func int(_ name: String, default fallback: Int) throws -> Int {
        switch values[name] {
        case nil, .null?: return fallback
        case .int(let value)?: return value
        case .double(let value)? where value.rounded() == value && abs(value) < 1e15: return Int(value)
        default: throw mismatch(name, "an integer")
        }
    }

    func double(_ name: String, default fallback: Double) throws -> Double {
        switch values[name] {
        case nil, .null?: return fallback
        case .int(let value)?: return Double(value)
        case .double(let value)? where value.isFinite: return value
        default: throw mismatch(name, "a number")
        }
    }

    private func missing(_ name: String) -> ToolArgumentError {
        ToolArgumentError("\(tool): the parameter \(name) is required")
    }

    private func mismatch(_ name: String, _ expected: String) -> ToolArgumentError {
        ToolArgumentError("\(tool): \(name) must be \(expected), got \(values[name]?.kind ?? "nothing")")
    }
}

/// A call whose arguments do not fit the tool's schema: reported as a tool error.
struct ToolArgumentError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
