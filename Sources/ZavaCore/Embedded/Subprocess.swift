import Foundation

/// Runs the cluster's own programs (initdb, pg_ctl), as an unprivileged user when zava runs
/// as root, because PostgreSQL refuses to run as root.
struct Subprocess {
    struct Failure: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        var output: String
        var description: String { "\(command) failed (exit \(status)): \(output.trimmingCharacters(in: .whitespacesAndNewlines))" }
    }

    /// The account the server runs as when we are root.
    static let unprivilegedUser = "nobody"
    static let unprivilegedGroup = "nogroup"
    static var isRoot: Bool { geteuid() == 0 }

    /// Runs a program to completion with posix_spawn and waitpid (Foundation's Process can
    /// miss the exit of a child whose own children, like the server pg_ctl starts, live on).
    /// Output goes to a temporary file, so no pipe is inherited by the server.
    @discardableResult
    static func run(_ executable: URL, _ arguments: [String], asServerUser: Bool = true,
                    acceptedStatuses: Set<Int32> = [0]) throws -> (status: Int32, output: String) {
        var argv = [executable.path] + arguments
        if asServerUser && isRoot {
            argv = ["/usr/bin/setpriv", "--reuid=\(unprivilegedUser)", "--regid=\(unprivilegedGroup)", "--clear-groups", "--"] + argv
        }
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("zava-\(UUID().uuidString).out").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
        guard spawned == 0 else {
            throw Failure(command: executable.lastPathComponent, status: spawned, output: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard acceptedStatuses.contains(exitStatus) else {
            throw Failure(command: executable.lastPathComponent, status: exitStatus, output: text)
        }
        return (exitStatus, text)
    }

    /// Gives a path to the server's account (only needed when we are root).
    static func handOver(_ url: URL, mode: Int) throws {
        let manager = FileManager.default
        var attributes: [FileAttributeKey: Any] = [.posixPermissions: mode]
        if isRoot {
            attributes[.ownerAccountName] = unprivilegedUser
            attributes[.groupOwnerAccountName] = unprivilegedGroup
        }
        try manager.setAttributes(attributes, ofItemAtPath: url.path)
    }
}
