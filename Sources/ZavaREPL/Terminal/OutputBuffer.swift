import Foundation

/// Buffered writes to a file descriptor: one syscall per 64 KiB, not per row.
final class OutputBuffer: @unchecked Sendable {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let lock = NSLock()

    init(handle: FileHandle = .standardOutput) {
        self.handle = handle
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ text: String) {
        lock.withLock {
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 16 { flushLocked() }
        }
    }

    /// Lets `body` append bytes directly (no intermediate String).
    func write(_ body: (inout [UInt8]) -> Void) {
        lock.withLock {
            body(&buffer)
            if buffer.count >= 1 << 16 { flushLocked() }
        }
    }

    func flush() { lock.withLock { flushLocked() } }

    /// Writes straight from the buffer (no copy: a streamed row can be a 100 MB value); a
    /// closed pipe or full disk drops the output rather than ending zava.
    private func flushLocked() {
        guard !buffer.isEmpty else { return }
        let fd = handle.fileDescriptor
        buffer.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(fd, base + offset, bytes.count - offset)
                if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { break }
            }
        }
        buffer.removeAll(keepingCapacity: buffer.count <= 1 << 20)
    }
}
