import Foundation
import NIOConcurrencyHelpers

/// The append-only audit trail (`ZAVA_AUDIT_LOG`): JSON Lines, one record per statement.
///
/// Each record is one `write(2)` to a file opened with `O_APPEND`, made before the statement's
/// answer is handed back: a killed process has lost no statement it answered, and records of
/// concurrent statements (or of a REPL and a server sharing the file) never interleave. When
/// the file would pass `maxBytes` it is renamed to `<path>.1` (older ones shift up to
/// `<path>.<keep>`, the oldest is removed) and a new one is started.
public final class AuditLog: Sendable {
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "the audit trail \(path) could not be written: \(reason)" }
    }

    private struct State {
        var descriptor: Int32
        var size: Int
    }

    public let path: String
    public let maxBytes: Int
    public let keep: Int
    private let state: NIOLockedValueBox<State>

    /// Opens (creating, mode 0600) the file at `path`.
    public init(path: String, maxBytes: Int = 64 << 20, keep: Int = 5) throws {
        self.path = path
        self.maxBytes = max(4_096, maxBytes)
        self.keep = max(1, keep)
        let descriptor = try Self.open(path)
        state = NIOLockedValueBox(State(descriptor: descriptor, size: Self.size(of: descriptor)))
    }

    deinit {
        state.withLockedValue { _ = close($0.descriptor) }
    }

    /// Appends one record. Throws when it could not be written: the caller fails the statement
    /// rather than answer without a trace of it.
    public func append(_ record: AuditRecord) throws {
        let line = record.line
        try state.withLockedValue { state in
            if state.size > 0, state.size + line.count > maxBytes { try rotate(&state) }
            let written = line.withUnsafeBytes { write(state.descriptor, $0.baseAddress, $0.count) }
            guard written == line.count else {
                throw WriteError(path: path, reason: written < 0 ? String(cString: strerror(errno)) : "short write")
            }
            state.size += written
        }
    }

    /// Every file of the trail, oldest first (`<path>.<keep>` ... `<path>.1`, `<path>`).
    public static func files(at path: String, keep: Int = 5) -> [String] {
        let rotated = (1...max(1, keep)).reversed().map { "\(path).\($0)" }
        return (rotated + [path]).filter { FileManager.default.fileExists(atPath: $0) }
    }

    private func rotate(_ state: inout State) throws {
        close(state.descriptor)
        unlink("\(path).\(keep)")
        for index in stride(from: keep - 1, through: 1, by: -1) { rename("\(path).\(index)", "\(path).\(index + 1)") }
        rename(path, "\(path).1")
        state.descriptor = try Self.open(path)
        state.size = Self.size(of: state.descriptor)
    }

    private static func open(_ path: String) throws -> Int32 {
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        return descriptor
    }

    private static func size(of descriptor: Int32) -> Int {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
    }
}
