import Foundation
import MCP
import ZavaCore

/// A `tools/call` request read with `PlainJSON` instead of the SDK's `Value` decoding, which
/// runs a regular expression over every string (swift-sdk 0.12.1 checks each one for a `data:`
/// URL) and decodes each message three times on its way to the handler.
///
/// Only the exact shape this endpoint needs is accepted: `jsonrpc: "2.0"`, an integer or string
/// `id`, `method: "tools/call"`, and `params` with `name` and optional object `arguments`, no
/// other keys at the top two levels, and no string that starts with `data:` (which the SDK
/// would turn into binary data). Anything else is nil and goes to the SDK unchanged, so every
/// unusual request keeps the SDK's own answer.
struct DirectToolCall: Sendable, Equatable {
    var id: MCP.ID
    var name: String
    var arguments: [String: Value]?

    private static let topKeys: Set<String> = ["jsonrpc", "id", "method", "params"]
    private static let paramKeys: Set<String> = ["name", "arguments"]

    init?(body: Data) {
        guard case .object(let top)? = body.withUnsafeBytes(PlainJSON.parse), top.keys.allSatisfy(Self.topKeys.contains),
              top["jsonrpc"] == .string("2.0"), top["method"] == .string(CallTool.name),
              case .object(let params)? = top["params"], params.keys.allSatisfy(Self.paramKeys.contains),
              case .string(let name)? = params["name"], !name.hasPrefix("data:") else { return nil }
        switch top["id"] {
        case .string(let text)?: id = .string(text)
        case .int(let number)?: id = .number(number)
        default: return nil
        }
        switch params["arguments"] {
        case nil, .null?:
            arguments = nil
        case .object(let members)?:
            guard case .object(let values)? = PlainJSON.Node.object(members).sdkValue else { return nil }
            arguments = values
        default:
            return nil
        }
        self.name = name
    }

    /// What `JSONRPCEnvelope` would have read from the same body.
    var envelope: JSONRPCEnvelope {
        JSONRPCEnvelope(method: CallTool.name, id: Self.envelopeID(id), toolName: name)
    }

    /// The JSON-RPC response the SDK server would send for this call, byte for byte: the SDK
    /// encodes it with sorted keys and unescaped slashes. The common answer (one text content)
    /// is written directly; anything else goes through the SDK's own types and `JSONEncoder`.
    static func response(id: MCP.ID, _ outcome: Result<CallTool.Result, MCPError>) -> [UInt8] {
        if case .success(let result) = outcome, result.content.count == 1, result.structuredContent == nil, result._meta == nil,
           case .text(let text, nil, nil)? = result.content.first {
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count + 96)
            out += #"{"id":"#.utf8
            switch id {
            case .number(let value): out += String(value).utf8
            case .string(let value): JSONText.append(value, to: &out)
            }
            out += #","jsonrpc":"2.0","result":{"content":[{"text":"#.utf8
            JSONText.append(text, to: &out)
            out += #","type":"text"}]"#.utf8
            if let isError = result.isError { out += (isError ? #","isError":true"# : #","isError":false"#).utf8 }
            out += "}}".utf8
            return out
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Response<CallTool>(id: id, result: outcome)))
            // Unreachable for these types; still an answer rather than a dropped request.
            ?? (try? encoder.encode(Response<CallTool>(id: id, error: .internalError("could not encode the result")))) ?? Data()
        return Array(data)
    }

    static func envelopeID(_ id: MCP.ID) -> JSONRPCEnvelope.ID {
        switch id {
        case .number(let value): .number(value)
        case .string(let value): .string(value)
        }
    }
}

/// JSON string literals exactly as Foundation's `JSONEncoder` writes them with
/// `.withoutEscapingSlashes`: `"` and `\` escaped, control characters as `\b \f \n \r \t`
/// or `\u00xx`, everything else (all of UTF-8) as is.
enum JSONText {
    static func append(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case 0x08: out += #"\b"#.utf8
            case 0x0C: out += #"\f"#.utf8
            case 0x0A: out += #"\n"#.utf8
            case 0x0D: out += #"\r"#.utf8
            case 0x09: out += #"\t"#.utf8
            case ..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                out += #"\u00"#.utf8
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
