/// A fixed-size, 64-byte aligned block of floats owned by one object.
///
/// Model weights live in these instead of `[Float]` so the forward pass can hand raw pointers
/// to BLAS without nested `withUnsafeBufferPointer` closures or copy-on-write checks. 64-byte
/// alignment matches an AVX-512 register / cache line, which OpenBLAS's packing prefers.
///
/// `@unchecked Sendable` is sound because buffers used as shared model weights are only written
/// while being built inside `BertWeights.init`, before they are published; afterwards they
/// are read-only. Scratch buffers live for one forward call, and when that call splits work
/// across threads (`ParallelRows`), each thread writes a disjoint range of rows and the
/// split joins before the next step reads them.
final class FloatBuffer: @unchecked Sendable {
    let count: Int
    let mutablePointer: UnsafeMutablePointer<Float>
    var pointer: UnsafePointer<Float> { UnsafePointer(mutablePointer) }

    init(count: Int, fill: Float = 0) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        mutablePointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        mutablePointer.initialize(repeating: fill, count: max(count, 1))
    }

    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { mutablePointer.update(from: base, count: values.count) }
        }
    }

    deinit {
        mutablePointer.deinitialize(count: max(count, 1))
        UnsafeMutableRawPointer(mutablePointer).deallocate()
    }
}
