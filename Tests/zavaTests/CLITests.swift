import Foundation
import Testing
import ZavaCore

/// The `zava` executable end to end, against its own embedded cluster (`.zava/test-cli`).
/// Serialized: the suites stop and start that cluster.
@Suite(.serialized) struct ExecutableTests {}

/// Provisioning, auto-start after `zava db stop`, `-c` output and errors.
extension ExecutableTests {
@Suite struct CLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/zava")
    static let home = ProcessInfo.processInfo.environment["ZAVA_TEST_HOME"].map { $0 + "-cli" }
        ?? root.appendingPathComponent(".zava/test-cli").path
    static let environment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("PG") || key.hasPrefix("ZAVA_") { environment[key] = nil }
        environment["ZAVA_HOME"] = home
        environment["ZAVA_PG_DIR"] = root.appendingPathComponent(".zava/pg").path
        environment["ZAVA_ROOT"] = root.path
        environment["ZAVA_MODEL_DIR"] = root.appendingPathComponent(".zava/models/all-MiniLM-L6-v2").path
        environment["ZAVA_HISTORY"] = home + "/history"
        environment["XDG_CONFIG_HOME"] = home + "/config" // never the developer's own config file
        environment["NO_COLOR"] = "1"
        return environment
    }()

    static func zava(_ arguments: [String], input: String? = nil) throws -> Subprocess.Output {
        try Subprocess.run(binary.path, arguments, environment: environment, input: input)
    }

    static func provisioned() throws {
        let result = try zava(["db", "init", "--scale", "0.02"])
        try #require(result.status == 0, "db init failed: \(result.stderr)")
    }

    @Test func stoppedDatabaseStartsOnDemandAndSaysSo() throws {
        try Self.provisioned()
        #expect(try Self.zava(["db", "stop"]).status == 0)
        #expect(try Self.zava(["db", "status"]).stdout.hasPrefix("stopped"))
        let result = try Self.zava(["--as", "seattle", "-c", "select count(*) > 0 as has_orders from retail.orders"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Started the embedded PostgreSQL cluster"))
        #expect(result.stdout.contains(" t\n"))
        #expect(try Self.zava(["db", "status"]).stdout.hasPrefix("running"))
    }

    @Test func provisioningWithoutAModelStillGivesAWorkingDatabase() throws {
        var environment = Self.environment
        environment["ZAVA_HOME"] = Self.home + "-nomodel"
        environment["ZAVA_MODEL_DIR"] = "/nonexistent/model"
        defer {
            _ = try? Subprocess.run(Self.binary.path, ["db", "stop"], environment: environment)
            try? FileManager.default.removeItem(atPath: Self.home + "-nomodel")
        }
        let initialised = try Subprocess.run(Self.binary.path, ["db", "init", "--scale", "0.01"], environment: environment)
        #expect(initialised.status == 0, "\(initialised.stderr)")
        #expect(initialised.stderr.contains("Product embeddings were not computed"))
        #expect(initialised.stderr.contains("missing model file"))
        let query = try Subprocess.run(Self.binary.path, ["--as", "online", "--format", "csv", "-c", "select count(*) > 0 from retail.orders"],
                                       environment: environment)
        #expect(query.stdout == "?column?\nt\n")
        let search = try Subprocess.run(Self.binary.path, ["search", "hammer", "--as", "online"], environment: environment)
        #expect(search.status == 1)
        #expect(search.stderr.contains("missing model file"))
    }

    @Test func nonInteractiveOutputAndErrors() throws {
        try Self.provisioned()
        let csv = try Self.zava(["--as", "headoffice", "--format", "csv", "-c", "select store_id, store_name from retail.stores order by 1 limit 2"])
        #expect(csv.stdout == "store_id,store_name\n1,Zava Retail Seattle\n2,Zava Retail Bellevue\n")
        // TSV streams the server's text with PostgreSQL's escapes; NULL is \N, the empty string empty.
        let tsv = try Self.zava(["--as", "headoffice", "--format", "tsv", "-c",
                                 "select 1 as a, NULL::text as b, E'x\\ty\\\\z' as c, '' as d"])
        #expect(tsv.stdout == "a\tb\tc\td\n1\t\\N\tx\\ty\\\\z\t\n")
        let error = try Self.zava(["--as", "seattle", "-c", "select store_nme from retail.stores"])
        #expect(error.status == 1)
        #expect(error.stderr.contains("ERROR:  column \"store_nme\" does not exist\nLINE 1: select store_nme from retail.stores\n               ^"))
        let noIdentity = try Self.zava(["-c", "select 1"])
        #expect(noIdentity.status == 1)
        #expect(noIdentity.stderr.contains("no identity"))
        let unknown = try Self.zava(["--as", "atlantis", "-c", "select 1"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown profile or store 'atlantis'"))
        let stdin = try Self.zava(["--as", "redmond", "--format", "csv"], input: "select 1 as a;\nselect 2 as b;\n")
        #expect(stdin.stdout == "a\n1\nb\n2\n")
        // A failing statement stops the run (psql -v ON_ERROR_STOP=1), unless told to go on.
        let script = "select 1 as a;\nselect 1/0;\nselect 2 as b;\n"
        let stopped = try Self.zava(["--as", "redmond", "--format", "csv"], input: script)
        #expect(stopped.status == 1 && stopped.stdout == "a\n1\n" && stopped.stderr.contains("division by zero"), "\(stopped)")
        let onward = try Self.zava(["--as", "redmond", "--format", "csv", "--continue-on-error"], input: script)
        #expect(onward.status == 1 && onward.stdout == "a\n1\nb\n2\n", "\(onward)")
        let url = try Self.zava(["db", "url"])
        #expect(url.stdout.hasPrefix("postgresql://zava_analyst@/zava?host="))
        #expect(!url.stdout.contains("password"))
    }

    /// A port another program holds: the error says so and how to get a free one.
    @Test func aBusyPortSuggestsPortZero() throws {
        try Self.provisioned()
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, length) == 0 && listen(holder, 1) == 0
                && getsockname(holder, $0, &length) == 0 }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let result = try Self.zava(["--serve", "--no-repl", "--port", String(port)])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(port)") && result.stderr.contains("--port 0 picks a free one"),
                "\(result.stderr)")
    }

    /// Endpoint flags are checked before anything starts, with the flag named.
    @Test func serveOptionsAreCheckedBeforeAnythingStarts() throws {
        let zeroThreads = try Self.zava(["--serve", "--no-repl", "--port", "0", "--http-threads", "0"])
        #expect(zeroThreads.status != 0)
        #expect(zeroThreads.stderr.contains("--http-threads must be at least 1"))
        let withoutServe = try Self.zava(["--http-threads", "2", "-c", "select 1"])
        #expect(withoutServe.status != 0)
        #expect(withoutServe.stderr.contains("the endpoint options need --serve"))
    }
}
}
