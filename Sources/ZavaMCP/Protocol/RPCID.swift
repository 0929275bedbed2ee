import ZavaPostgres

/// A JSON-RPC request id: MCP allows an integer or a string (never null).
enum RPCID: Sendable, Hashable, CustomStringConvertible {
    case number(Int)
    case string(String)

    init?(_ value: JSON?) {
        switch value {
        case .int(let number)?: self = .number(number)
        case .string(let text)?: self = .string(text)
        default: return nil
        }
    }

    var json: JSON {
        switch self {
        case .number(let value): .int(value)
        case .string(let value): .string(value)
        }
    }

    var description: String {
        switch self {
        case .number(let value): String(value)
        case .string(let value): value
        }
    }
}
