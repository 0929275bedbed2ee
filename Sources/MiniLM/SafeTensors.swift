import Foundation

/// Reader for the safetensors format: an 8-byte little-endian header length, a JSON header
/// mapping tensor names to dtype/shape/byte ranges, then the raw little-endian tensor bytes.
///
/// The file is memory-mapped, so opening it costs no copy; `floats(_:shape:)` copies one
/// tensor out into an array the model owns (weights are later re-laid out, e.g. Q/K/V fused).
public struct SafeTensorsFile: Sendable {
    /// Metadata of one tensor in the file.
    public struct TensorInfo: Sendable, Equatable {
        public var dtype: String
        public var shape: [Int]
        /// Byte range relative to the start of the data section.
        public var dataRange: Range<Int>
    }

    public let url: URL
    public let tensors: [String: TensorInfo]
    private let data: Data
    private let dataStart: Int

    public init(url: URL) throws {
        self.url = url
        data = try readModelFile(url, mapped: true)
        guard data.count >= 8 else {
            throw MiniLMError.invalidSafeTensors("\(url.lastPathComponent) is shorter than its header length field")
        }
        var headerLength: UInt64 = 0
        for (shift, byte) in data.prefix(8).enumerated() {
            headerLength |= UInt64(byte) << (8 * UInt64(shift))
        }
        guard headerLength <= UInt64(data.count - 8) else {
            throw MiniLMError.invalidSafeTensors("header length \(headerLength) exceeds the file size \(data.count)")
        }
        dataStart = 8 + Int(headerLength)
        let header = data.subdata(in: 8..<dataStart)
        guard let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw MiniLMError.invalidSafeTensors("header is not a JSON object")
        }
        let dataLength = data.count - dataStart
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in object where name != "__metadata__" {
            guard let entry = value as? [String: Any],
                  let dtype = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (entry["data_offsets"] as? [NSNumber])?.map(\.intValue),
                  offsets.count == 2 else {
                throw MiniLMError.invalidSafeTensors("malformed header entry for \(name)")
            }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataLength else {
                throw MiniLMError.invalidSafeTensors(
                    "tensor \(name) has byte range \(offsets) outside the data section")
            }
            tensors[name] = TensorInfo(dtype: dtype, shape: shape, dataRange: offsets[0]..<offsets[1])
        }
        self.tensors = tensors
    }

    /// Copies an F32 tensor out of the file after checking its dtype, shape and byte size.
    public func floats(_ name: String, shape expected: [Int]) throws -> [Float] {
        guard let info = tensors[name] else { throw MiniLMError.missingTensor(name) }
        guard info.dtype == "F32" else { throw MiniLMError.unsupportedDType(tensor: name, dtype: info.dtype) }
        guard info.shape == expected else {
            throw MiniLMError.badTensorShape(tensor: name, expected: expected, actual: info.shape)
        }
        let count = expected.reduce(1, *)
        guard info.dataRange.count == count * MemoryLayout<Float>.size else {
            throw MiniLMError.invalidSafeTensors(
                "tensor \(name) holds \(info.dataRange.count) bytes for \(count) floats")
        }
        let start = dataStart + info.dataRange.lowerBound
        var result = [Float](repeating: 0, count: count)
        result.withUnsafeMutableBytes { destination in
            data.withUnsafeBytes { source in
                // memcpy tolerates the unaligned source offsets safetensors allows.
                if let base = source.baseAddress, let target = destination.baseAddress {
                    target.copyMemory(from: base + start, byteCount: destination.count)
                }
            }
        }
        #if _endian(big)
        result = result.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #endif
        return result
    }
}
