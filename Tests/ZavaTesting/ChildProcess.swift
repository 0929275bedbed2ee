import Foundation
import Synchronization
import ZavaCore

/// A child process (a Python client or stand-in server) that tests wait for without blocking a
/// thread: the server under test shares the process's threads. Foundation's `Process` can miss
/// a child's exit when many children come and go at once (its termination handler then never
/// runs and the test hangs), so this spawns with `Subprocess.spawn` and polls waitpid.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    /// The exit status once reaped; after that the pid may belong to another process.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` with standard input from /dev/null and its output going to the given
    /// files (standard error stays this process's without `stderr`).
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                stdout: URL, stderr: URL? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let stderr { posix_spawn_file_actions_addopen(&actions, 2, stderr.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
        pid = try Subprocess.spawn(executable, arguments, environment: environment, actions: &actions)
    }

    /// Waits for the exit: the exit status, or 128 + the signal that ended it.
    public func status() async throws -> Int32 {
        while true {
            if let status = reap(blocking: false) { return status }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// SIGTERM, unless it has already been reaped (its pid could be another process's by now).
    public func terminate() {
        reaped.withLock { if $0 == nil { kill(pid, SIGTERM) } }
    }

    /// Terminates the child and reaps it (blocking; for tear-down).
    public func stop() {
        terminate()
        _ = reap(blocking: true)
    }

    private func reap(blocking: Bool) -> Int32? {
        reaped.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, blocking ? 0 : WNOHANG) } while result == -1 && errno == EINTR
            guard result == pid else { return nil }
            reaped = Subprocess.exitStatus(status)
            return reaped
        }
    }
}
