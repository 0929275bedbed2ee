import Foundation
import ZavaCore
import ZavaPostgres

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
    /// `params.requestId` of a `notifications/cancelled`.
    var cancelledID: ID?

    var isInitialize: Bool { method == "initialize" }
    /// A request expects an answer; notifications and client responses do not.
    var isRequest: Bool { method != nil && id != nil }

    init(method: String?, id: ID?, toolName: String? = nil) {
        self.method = method
        self.id = id
        self.toolName = toolName
    }

    /// nil when the body is not a JSON object (the transport then answers with a parse error).
    init?(body: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        method = object["method"] as? String
        id = Self.id(object["id"])
        if method == "tools/call", let params = object["params"] as? [String: Any] {
            toolName = params["name"] as? String
        }
        if method == "notifications/cancelled", let params = object["params"] as? [String: Any] {
            cancelledID = Self.id(params["requestId"])
        }
    }

    private static func id(_ value: Any?) -> ID? {
        if let text = value as? String { return .string(text) }
        if let number = value as? NSNumber, Double(number.intValue) == number.doubleValue { return .number(number.intValue) }
        return nil
    }
}
