import CSpawn
import Foundation

/// Runs a program to completion with posix_spawn and waitpid. (Foundation's Process can miss
/// the exit of a child whose own children, like the server pg_ctl starts, live on.) Output goes
/// to temporary files, so no pipe is inherited by a daemon the child leaves behind.
public enum Subprocess {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    struct Failure: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        var output: String
        var description: String { "\(command) failed (exit \(status)): \(output.trimmingCharacters(in: .whitespacesAndNewlines))" }
    }

    /// The account the server runs as when we are root (PostgreSQL refuses to run as root).
    static let unprivilegedUser = "nobody"
    static let unprivilegedGroup = "nogroup"
    static var isRoot: Bool { geteuid() == 0 }

    /// Runs `executable` with `arguments`; `input` becomes its standard input.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: String? = nil) throws -> Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zava-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = ["in", "out", "err"].map { directory.appendingPathComponent($0).path }
        try (input ?? "").write(toFile: paths[0], atomically: true, encoding: .utf8)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input == nil ? "/dev/null" : paths[0], O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, paths[1], O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, paths[2], O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let status = try spawnAndWait(executable, arguments, environment: environment, actions: &actions)
        return Output(status: status, stdout: (try? String(contentsOfFile: paths[1], encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: paths[2], encoding: .utf8)) ?? "")
    }

    /// Runs `executable` with `input` on its standard input through a pipe and the terminal's
    /// standard output and error, in this process's group (a pager stays in the terminal's
    /// foreground). A reader that stops early only ends the writing (the caller ignores
    /// SIGPIPE). Returns the exit status.
    public static func runFeeding(_ input: [UInt8], to executable: String, _ arguments: [String]) throws -> Int32 {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw Failure(command: executable, status: errno, output: String(cString: strerror(errno))) }
        let writer = FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, ends[0], 0)
        posix_spawn_file_actions_addclose(&actions, ends[0])
        posix_spawn_file_actions_addclose(&actions, ends[1])
        defer { close(ends[0]) } // also when spawning failed
        return try spawnAndWait(executable, arguments, environment: nil, actions: &actions) {
            close(ends[0]) // the child's copy is the only reader left: its exit ends the writing
            ends[0] = -1
            try? writer.write(contentsOf: input) // EPIPE when the reader quit early
            try? writer.close()
        }
    }

    /// Runs `executable` on this process's terminal (an editor): standard input, output and
    /// error are the terminal's. Returns the exit status.
    public static func runInTerminal(_ executable: String, _ arguments: [String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        return try spawnAndWait(executable, arguments, environment: nil, actions: &actions)
    }

    /// posix_spawn with a clean signal state, `whileRunning` (if any), then waitpid; the exit
    /// status, or 128 + the signal that ended the child.
    private static func spawnAndWait(_ executable: String, _ arguments: [String], environment: [String: String]?,
                                     actions: inout posix_spawn_file_actions_t,
                                     whileRunning: () -> Void = {}) throws -> Int32 {
        let pid = try spawn(executable, arguments, environment: environment, actions: &actions)
        whileRunning()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return exitStatus(status)
    }

    /// Starts `executable` with a clean signal state and the given file actions; the caller
    /// waits for the returned pid (for children it must not block a thread on).
    ///
    /// After the caller's actions the child closes every descriptor above standard error: this
    /// process's sockets and files (NIO's listening socket, libpq's connections) must not live
    /// on in a child. A server pg_ctl leaves running, or a client that outlives a test's server,
    /// would otherwise keep that port accepting connections nobody answers.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]?,
                             actions: inout posix_spawn_file_actions_t) throws -> pid_t {
        let closing = zava_spawn_file_actions_addclosefrom(&actions, 3)
        guard closing == 0 else {
            throw Failure(command: executable, status: closing, output: String(cString: strerror(closing)))
        }
        let argv = [executable] + arguments
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var attributes = SpawnAttributes()
        defer { attributes.destroy() }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes.value, cArguments, cEnvironment)
        guard spawned == 0 else {
            throw Failure(command: executable, status: spawned, output: String(cString: strerror(spawned)))
        }
        return pid
    }

    /// A status from waitpid as a shell shows it: the exit status, or 128 + the ending signal.
    public static func exitStatus(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Runs one of the cluster's programs, as the unprivileged server user when we are root;
    /// throws with its output unless it exits with an accepted status.
    @discardableResult
    package static func runServerProgram(_ executable: URL, _ arguments: [String],
                                 acceptedStatuses: Set<Int32> = [0]) throws -> (status: Int32, output: String) {
        var argv = [executable.path] + arguments
        if isRoot {
            argv = ["/usr/bin/setpriv", "--reuid=\(unprivilegedUser)", "--regid=\(unprivilegedGroup)", "--clear-groups", "--"] + argv
        }
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        let output = try run(argv[0], Array(argv.dropFirst()), environment: environment)
        let text = output.stdout + output.stderr
        guard acceptedStatuses.contains(output.status) else {
            throw Failure(command: executable.lastPathComponent, status: output.status, output: text)
        }
        return (output.status, text)
    }

    /// Gives a path to the server's account (only needed when we are root).
    package static func handOver(_ url: URL, mode: Int) throws {
        var attributes: [FileAttributeKey: Any] = [.posixPermissions: mode]
        if isRoot {
            attributes[.ownerAccountName] = unprivilegedUser
            attributes[.groupOwnerAccountName] = unprivilegedGroup
        }
        try FileManager.default.setAttributes(attributes, ofItemAtPath: url.path)
    }
}

/// Spawn attributes that give the child a clean signal state: threads of a Swift process
/// (the cooperative pool, dispatch) run with signals blocked, and a child would inherit that
/// mask and never die of SIGTERM.
struct SpawnAttributes {
    var value = posix_spawnattr_t()

    init() {
        posix_spawnattr_init(&value)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&value, &none)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&value, &defaults)
        posix_spawnattr_setflags(&value, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    }

    mutating func destroy() { posix_spawnattr_destroy(&value) }
}
