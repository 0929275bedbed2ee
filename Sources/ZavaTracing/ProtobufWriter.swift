/// Protocol Buffers' binary wire format, written field by field into one buffer: the few
/// field kinds an OTLP export uses. A nested message is written in place and its length put in
/// front of it afterwards, so no message is built as an object or measured before it is written.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// A varint field (wire type 0): enums, `uint32`, `uint64`, `bool`; `int64` as its two's
    /// complement. Zero is the default and is not written, as proto3 does, unless the field is
    /// a `oneof` member (`always`), whose presence is the point.
    mutating func varint(_ field: UInt64, _ value: UInt64, always: Bool = false) {
        guard value != 0 || always else { return }
        tag(field, wireType: 0)
        appendVarint(value)
    }

    /// A `fixed64` field (wire type 1), little-endian (also a `double`'s bits); zero is not
    /// written unless `always`.
    mutating func fixed64(_ field: UInt64, _ value: UInt64, always: Bool = false) {
        guard value != 0 || always else { return }
        tag(field, wireType: 1)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A `fixed32` field (wire type 5), little-endian; zero is not written.
    mutating func fixed32(_ field: UInt64, _ value: UInt32) {
        guard value != 0 else { return }
        tag(field, wireType: 5)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A `string` field; the empty string is not written unless `always`.
    mutating func string(_ field: UInt64, _ value: String, always: Bool = false) {
        guard !value.isEmpty || always else { return }
        tag(field, wireType: 2)
        var value = value
        value.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A `bytes` field from raw memory (an id); empty is not written.
    mutating func bytes(_ field: UInt64, _ value: UnsafeRawBufferPointer) {
        guard !value.isEmpty else { return }
        tag(field, wireType: 2)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A message field already serialised.
    mutating func serialized(_ field: UInt64, _ message: [UInt8]) {
        tag(field, wireType: 2)
        appendVarint(UInt64(message.count))
        bytes.append(contentsOf: message)
    }

    /// A message field whose content `body` writes; written even when empty (a set `oneof`
    /// member, an empty message in a repeated field).
    mutating func message(_ field: UInt64, _ body: (inout ProtobufWriter) -> Void) {
        tag(field, wireType: 2)
        let lengthAt = bytes.count
        bytes.append(0)  // room for a length below 128; moved along below when it is longer
        body(&self)
        let length = bytes.count - lengthAt - 1
        if length < 0x80 {
            bytes[lengthAt] = UInt8(length)
        } else {
            var prefix = ProtobufWriter()
            prefix.appendVarint(UInt64(length))
            bytes.replaceSubrange(lengthAt..<lengthAt + 1, with: prefix.bytes)
        }
    }

    /// A field's key: its number and wire type.
    private mutating func tag(_ field: UInt64, wireType: UInt64) {
        appendVarint(field << 3 | wireType)
    }

    private mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
