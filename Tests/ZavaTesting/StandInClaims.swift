import Foundation
import JWTKit

/// Claims of a stand-in token, any names and values.
public struct StandInClaims: JWTPayload {
    public enum Value: Codable, Sendable, Equatable {
        case string(String), number(Double), strings([String])

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(String.self) { self = .string(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else { self = .strings(try container.decode([String].self)) }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .strings(let value): try container.encode(value)
            }
        }
    }

    public var values: [String: Value]

    public init(_ values: [String: Value]) { self.values = values }

    /// What an issuer puts in an access token for `audience`: valid from a minute ago for
    /// `lifetime` seconds, plus `extra` (which may replace any of them).
    public static func standard(issuer: String, audience: String, subject: String = "user-\(UUID().uuidString.prefix(8))",
                                lifetime: TimeInterval = 600, _ extra: [String: Value] = [:]) -> [String: Value] {
        let now = Date().timeIntervalSince1970.rounded(.down)
        return ["iss": .string(issuer), "aud": .string(audience), "sub": .string(subject),
                "iat": .number(now - 60), "nbf": .number(now - 60), "exp": .number(now + lifetime)].merging(extra) { $1 }
    }

    private struct Name: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Name.self)
        values = try Dictionary(uniqueKeysWithValues: container.allKeys.map { ($0.stringValue, try container.decode(Value.self, forKey: $0)) })
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Name.self)
        for (name, value) in values { try container.encode(value, forKey: Name(stringValue: name)) }
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
