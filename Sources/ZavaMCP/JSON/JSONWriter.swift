import ZavaPostgres

/// Writes `JSON` as compact UTF-8, object keys sorted (the same value always gives the same
/// bytes), strings escaped by `JSONString`, the one escaper every zava JSON goes through.
enum JSONWriter {
    static func bytes(_ value: JSON) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, to: &out)
        return out
    }

    static func write(_ value: JSON, to out: inout [UInt8]) {
        switch value {
        case .null: out += "null".utf8
        case .bool(let flag): out += (flag ? "true" : "false").utf8
        case .int(let number): out += String(number).utf8
        case .double(let number): out += (number.isFinite ? PGValue.double(number).jsonFragment : "null").utf8
        case .string(let text): JSONString.append(text, to: &out)
        case .raw(let text): out += text.utf8
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (offset, item) in items.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (offset, key) in members.keys.sorted().enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if let member = members[key] { write(member, to: &out) }
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
