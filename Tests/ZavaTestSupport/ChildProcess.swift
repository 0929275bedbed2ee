import Foundation
import Synchronization
import ZavaCore

/// A child process (a Python client or stand-in server) that tests wait for without blocking a
/// thread: the server under test shares the process's threads. Foundation's `Process` can miss
/// a child's exit when many children come and go at once (its termination handler then never
/// runs and the test hangs), so this spawns with posix_spawn and polls waitpid.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    /// The exit status once reaped; after that the pid may belong to another process.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `arguments[0]` (looked up in PATH) with its output going to the given files.
    public init(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                stdout: URL, stderr: URL? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let stderr { posix_spawn_file_actions_addopen(&actions, 2, stderr.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
        let cArguments = arguments.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var attributes = SpawnAttributes()
        defer { attributes.destroy() }
        var child: pid_t = 0
        let spawned = posix_spawnp(&child, arguments[0], &actions, &attributes.value, cArguments, cEnvironment)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        pid = child
    }

    /// Waits for the exit: the exit status, or 128 + the signal that ended it.
    public func status() async throws -> Int32 {
        while true {
            if let status = poll() { return status }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The exit status if the child has ended (reaping it), else nil.
    public func poll() -> Int32? {
        reaped.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
            reaped = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            return reaped
        }
    }

    /// SIGTERM, unless it has already been reaped (its pid could be another process's by now).
    public func terminate() {
        reaped.withLock { if $0 == nil { kill(pid, SIGTERM) } }
    }

    /// Terminates the child and reaps it (blocking; for tear-down).
    public func stop() {
        terminate()
        reaped.withLock { reaped in
            guard reaped == nil else { return }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            reaped = 128 + SIGTERM
        }
    }
}
