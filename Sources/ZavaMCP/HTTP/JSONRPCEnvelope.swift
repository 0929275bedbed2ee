import Foundation
import ZavaCore

/// What the HTTP layer needs from a JSON-RPC message without decoding it fully: the method,
/// the id (to route, log and cancel) and, for `tools/call`, the tool's name.
struct JSONRPCEnvelope: Sendable, Equatable {
    enum ID: Sendable, Hashable, CustomStringConvertible {
        case number(Int)
        case string(String)

        var jsonFragment: String {
            switch self {
            case .number(let value): String(value)
            case .string(let value): JSONString.quote(value)
            }
        }

        var description: String {
            switch self {
            case .number(let value): String(value)
            case .string(let value): value
            }
        }
    }

    var method: String?
    var id: ID?
    var toolName: String?

    var isInitialize: Bool { method == "initialize" }
    /// A request expects an answer; notifications and client responses do not.
    var isRequest: Bool { method != nil && id != nil }

    /// nil when the body is not a JSON object (the transport then answers with a parse error).
    init?(body: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        method = object["method"] as? String
        if let text = object["id"] as? String {
            id = .string(text)
        } else if let number = object["id"] as? NSNumber, Double(number.intValue) == number.doubleValue {
            id = .number(number.intValue)
        }
        if method == "tools/call", let params = object["params"] as? [String: Any] {
            toolName = params["name"] as? String
        }
    }
}
