import JWTKit

/// A JWT's payload as its claims, by name: the registered ones (`iss`, `aud`, `exp`, ...) are
/// read through accessors, and the identity claim is whichever name the operator configured.
/// Decoding never judges a claim; `TokenClaimRules` does, after the signature was checked.
struct TokenClaims: JWTPayload, Equatable {
    /// A claim's value, in the shapes identity claims come in.
    enum Value: Sendable, Equatable, Codable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case strings([String])
        /// An object, a mixed array or null: never an identity.
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(String.self) { self = .string(value) }
            else if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else if let value = try? container.decode([String].self) { self = .strings(value) }
            else { self = .other }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            case .strings(let value): try container.encode(value)
            case .other: try container.encodeNil()
            }
        }

        /// The value as strings: one for a string, each for an array of strings, none otherwise.
        var strings: [String] {
            switch self {
            case .string(let value): [value]
            case .strings(let values): values
            default: []
            }
        }
    }

    var values: [String: Value]

    init(_ values: [String: Value]) { self.values = values }

    subscript(name: String) -> Value? { values[name] }

    var issuer: String? { if case .string(let value) = values["iss"] { value } else { nil } }
    var subject: String? { if case .string(let value) = values["sub"] { value } else { nil } }
    /// `aud` as a list: RFC 7519 allows one string or an array.
    var audiences: [String] { values["aud"]?.strings ?? [] }
    var expires: Double? { number("exp") }
    var notBefore: Double? { number("nbf") }

    private func number(_ name: String) -> Double? {
        if case .number(let value) = values[name] { value } else { nil }
    }

    private struct Name: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Name.self)
        var values: [String: Value] = [:]
        for key in container.allKeys { values[key.stringValue] = try container.decode(Value.self, forKey: key) }
        self.values = values
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Name.self)
        for (name, value) in values { try container.encode(value, forKey: Name(stringValue: name)) }
    }

    /// Claims are judged by `TokenClaimRules` with the operator's clock skew, not here.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
