import Foundation
import Testing
import ZavaCore

/// The REPL in a real pseudo-terminal (tmux): identity switching, Ctrl-C, database restarts,
/// typing. Against the release binary, the one `make run` runs (`make test` builds it): C shim
/// state and inlining differ between release and debug builds, and a bug only the release
/// build had went unseen while these ran the debug one. Line editing runs against both.
extension ExecutableTests {
@Suite struct REPLTerminalTests {
    static let release = CLITests.root.appendingPathComponent(".build/release/zava")
    static let bothBuilds = [release, CLITests.binary]

    final class Terminal {
        let name = "zava-test-\(UUID().uuidString.prefix(8))"

        init(_ arguments: [String] = [], binary: URL = REPLTerminalTests.release, environment extra: [String: String] = [:]) throws {
            try #require(FileManager.default.isExecutableFile(atPath: binary.path),
                         "\(binary.path) is missing: `make test` builds it (swift build -c release --product zava)")
            let keys = ["ZAVA_HOME", "ZAVA_PG_DIR", "ZAVA_ROOT", "ZAVA_MODEL_DIR", "ZAVA_HISTORY", "XDG_CONFIG_HOME", "NO_COLOR", "HOME", "PATH"]
            let environment = (keys.compactMap { key in CLITests.environment[key].map { "\(key)='\($0)'" } }
                + extra.map { "\($0.key)='\($0.value)'" }).joined(separator: " ")
            let command = ([binary.path] + arguments).joined(separator: " ")
            try tmux(["new-session", "-d", "-s", name, "-x", "160", "-y", "50", "env \(environment) \(command)"])
        }

        deinit { _ = try? tmux(["kill-session", "-t", name]) }

        func type(_ text: String, enter: Bool = true) throws {
            // tmux reads a trailing ";" as its own command separator unless escaped.
            try tmux(["send-keys", "-t", name, "-l", text.hasSuffix(";") ? text.dropLast() + "\\;" : text])
            if enter { try tmux(["send-keys", "-t", name, "Enter"]) }
        }

        func press(_ key: String) throws { try tmux(["send-keys", "-t", name, key]) }

        func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", name, "-S", "-200"]) }

        /// Waits until the screen contains `text` `count` times; returns the screen.
        @discardableResult
        func waitFor(_ text: String, count: Int = 1, timeout: Duration = .seconds(20)) async throws -> String {
            // capture-pane drops trailing spaces (as after a prompt).
            var text = text
            while text.hasSuffix(" ") { text.removeLast() }
            let clock = ContinuousClock()
            let deadline = clock.now + timeout
            while clock.now < deadline {
                let screen = try screen()
                if screen.components(separatedBy: text).count - 1 >= count { return screen }
                try await Task.sleep(for: .milliseconds(50))
            }
            let screen = try screen()
            Issue.record("timed out waiting for \(text) x\(count); screen:\n\(screen)")
            return screen
        }

        @discardableResult
        func tmux(_ arguments: [String]) throws -> String {
            try Subprocess.run("/usr/bin/tmux", arguments).stdout
        }
    }

    @Test func switchingIdentityChangesWhatTheSameQuerySees() async throws {
        try CLITests.provisioned()
        let expected = try ["seattle", "redmond"].map { profile in
            try CLITests.zava(["--as", profile, "--format", "csv", "-c", "select count(*) from retail.orders"])
                .stdout.split(separator: "\n").last ?? ""
        }
        #expect(expected[0] != expected[1])
        // The interactive REPL's statements reach the audit trail as `repl`, under each identity.
        let audit = FileManager.default.temporaryDirectory.appendingPathComponent("zava-repl-audit-\(UUID().uuidString.prefix(8)).jsonl")
        defer { try? FileManager.default.removeItem(at: audit) }
        let terminal = try Terminal(environment: ["ZAVA_AUDIT_LOG": audit.path])
        try await terminal.waitFor("(no identity)=> ")
        try terminal.type("select 1;")
        try await terminal.waitFor("no identity: choose one with :as")
        try terminal.type(":as seattle")
        try await terminal.waitFor("Orders from 2020-")
        try await terminal.waitFor("zava seattle=> ")
        try terminal.type("select count(*) as n")
        try await terminal.waitFor("zava seattle-> ")
        try terminal.type("from retail.orders;")
        try await terminal.waitFor("(1 row)")
        try terminal.type(":as redmond")
        try await terminal.waitFor("zava redmond=> ")
        try terminal.type("select count(*) as n from retail.orders;")
        let screen = try await terminal.waitFor("(1 row)", count: 2)
        let counts = screen.split(separator: "\n").filter { $0.hasPrefix(" ") && Int($0.trimmingCharacters(in: .whitespaces)) != nil }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(counts == [String(expected[0]), String(expected[1])])
        try terminal.type("\\q")
        let records = ((try? String(contentsOf: audit, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { ($0["statement"] as? String)?.hasSuffix("from retail.orders") == true }
        #expect(records.map { $0["identity"] as? String } == ["seattle", "redmond"])
        #expect(records.allSatisfy { $0["frontend"] as? String == "repl" && ($0["principal"] as? String)?.hasPrefix("local:") == true })
    }

    @Test(arguments: bothBuilds)
    func controlCCancelsARunningQueryAndTheSessionGoesOn(_ binary: URL) async throws {
        try CLITests.provisioned()
        let terminal = try Terminal(binary: binary)
        try await terminal.waitFor("=> ")
        try terminal.type(":as headoffice")
        try await terminal.waitFor("zava headoffice=> ")
        try terminal.type("select pg_sleep(20);")
        try await Task.sleep(for: .milliseconds(1_000))
        let clock = ContinuousClock()
        let start = clock.now
        try terminal.press("C-c")
        try await terminal.waitFor("canceling statement due to user request", timeout: .seconds(10))
        #expect(clock.now - start < .seconds(1), "cancelled within a second, not the 20 s sleep run out")
        try terminal.type("select 40 + 2 as answer;")
        try await terminal.waitFor("42")
        // Ctrl-C at the prompt clears a half-typed statement.
        try terminal.type("select 'never", enter: false)
        try terminal.press("C-c")
        // The next line is typed only once the REPL took the Ctrl-C: typed earlier, the keys race
        // the interrupt, which then clears them too.
        try await terminal.waitFor("^C")
        try terminal.type("select 7 as seven;")
        try await terminal.waitFor("     7")
        let final = try terminal.screen()
        #expect(!final.contains("unterminated"))
    }

    /// PostgreSQL stopped and restarted under `zava --serve`: the REPL and the MCP endpoint
    /// (one process, one pool) both fail fast and clearly during the outage, both recover
    /// without a restart, and every identity is still itself afterwards.
    @Test func databaseRestartUnderTheREPLAndTheEndpoint() async throws {
        try CLITests.provisioned()
        let terminal = try Terminal(["--serve", "--port", "0", "--stateless"])
        let banner = try await terminal.waitFor("MCP endpoint: http://127.0.0.1:")
        let port = try #require(banner.split(separator: "\n").first { $0.contains("MCP endpoint: http://127.0.0.1:") }
            .flatMap { line in line.range(of: "127.0.0.1:").map { line[$0.upperBound...].prefix { $0.isNumber } } }.flatMap { Int($0) })
        let endpoint = Endpoint(port: port)
        try terminal.type(":as tacoma")
        try terminal.type("select 'before' as phase;")
        try await terminal.waitFor("before")
        let probe = "SELECT current_setting('zava.rls_user_id') AS me, count(DISTINCT store_id) AS stores, min(store_id) AS store FROM retail.orders"
        #expect(try endpoint.query(probe, as: "seattle").body.contains(#"[\"f47ac10b-58cc-4372-a567-0e02b2c3d479\",1,1]"#))

        #expect(try CLITests.zava(["db", "stop"]).status == 0)
        let during = try endpoint.query("SELECT 1", as: "seattle")
        #expect(during.body.contains("database unavailable") && during.body.contains(#""isError":true"#), "\(during.body)")
        #expect(during.elapsed < .seconds(2), "the endpoint failed fast: \(during.elapsed)")
        let clock = ContinuousClock()
        let typed = clock.now
        try terminal.type("select 'during' as phase;")
        try await terminal.waitFor("database unavailable", timeout: .seconds(5))
        #expect(clock.now - typed < .seconds(2), "the REPL failed fast")
        #expect(try endpoint.health() == 503)

        #expect(try CLITests.zava(["db", "start"]).status == 0)
        let identities = [("seattle", "f47ac10b-58cc-4372-a567-0e02b2c3d479", 1), ("redmond", "e7f8a9b0-c1d2-3e4f-5678-90abcdef1234", 6),
                          ("online", "2f4e6d8c-1a3b-5c7e-9f0a-b2d4f6e8c0a2", 8)]
        for (profile, uuid, store) in identities {
            let answer = try endpoint.query(probe, as: profile)
            #expect(answer.body.contains(#"[\"\#(uuid)\",1,\#(store)]"#), "\(profile) after the restart: \(answer.body)")
        }
        try terminal.type("select 'after' as phase, count(distinct store_id) as stores, min(store_id) as store from retail.orders;")
        let screen = try await terminal.waitFor(" after")
        #expect(screen.contains(" after |      1 |     3"), "tacoma (store 3) after the restart:\n\(screen)")
        #expect(try endpoint.health() == 200)
        try terminal.type("\\q")
    }

    /// The endpoint of a `zava --serve --stateless` under test, spoken to with curl.
    struct Endpoint {
        let port: Int

        func query(_ sql: String, as profile: String) throws -> (body: String, elapsed: Duration) {
            let call = try JSONSerialization.data(withJSONObject: [
                "jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": ["name": "execute_sales_query", "arguments": ["postgresql_query": sql]]] as [String: Any])
            let clock = ContinuousClock()
            let start = clock.now
            let result = try Subprocess.run("/usr/bin/curl", [
                "-s", "-m", "20", "-H", "Content-Type: application/json", "-H", "Accept: application/json, text/event-stream",
                "-H", "x-rls-user-id: \(profile)", "--data-binary", String(decoding: call, as: UTF8.self),
                "http://127.0.0.1:\(port)/mcp"])
            return (result.stdout, clock.now - start)
        }

        func health() throws -> Int {
            Int(try Subprocess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10",
                                                     "http://127.0.0.1:\(port)/healthz"]).stdout) ?? 0
        }
    }

    @Test(arguments: bothBuilds)
    func tabCompletesATableAndAColumnAndCtrlRFindsHistory(_ binary: URL) async throws {
        try CLITests.provisioned()
        let terminal = try Terminal(binary: binary)
        try await terminal.waitFor("=> ")
        try terminal.type(":as bellevue")
        try await terminal.waitFor("zava bellevue=> ")
        // "retail.ord" is shared by order_items and orders: Tab completes to "retail.order", then "s".
        try terminal.type("select count(*) as n from retail.ord", enter: false)
        try terminal.press("Tab")
        try await terminal.waitFor("from retail.order")
        try terminal.type("s where cust", enter: false)
        try terminal.press("Tab")
        try await terminal.waitFor("from retail.orders where customer_id ")
        try terminal.type("> 0;")
        try await terminal.waitFor("(1 row)")
        // A column after a table's alias, and a command on the line being typed.
        try terminal.type("select o.order_date from retail.orders o where o.cust", enter: false)
        try terminal.press("Tab")
        try await terminal.waitFor("where o.customer_id ")
        try terminal.type("> 0 limit 1;")
        try await terminal.waitFor(" order_date")
        try terminal.type("\\conn", enter: false)
        try terminal.press("Tab")
        try await terminal.waitFor("\\conninfo")
        try terminal.press("Enter")
        try await terminal.waitFor("You are connected to database")
        try terminal.type("select 'needle' as found;")
        try await terminal.waitFor(" needle")
        try terminal.type("select 'other' as found;")
        try await terminal.waitFor(" other")
        // Ctrl-R: incremental search back through the history.
        try terminal.press("C-r")
        try terminal.type("needl", enter: false)
        try await Task.sleep(for: .milliseconds(300))
        try terminal.press("Enter")
        try await terminal.waitFor(" needle", count: 2)
        // A statement typed over two lines is one history entry: Up brings all of it back.
        try terminal.type("select 'multi'")
        try terminal.type("as line;")
        try await terminal.waitFor(" multi")
        try terminal.press("Up")
        try terminal.press("Enter")
        try await terminal.waitFor(" multi", count: 2)
        try terminal.type("\\q")
    }

    /// Typed non-ASCII arrives intact, a TAB pasted inside a statement stays a TAB (it would
    /// otherwise start completion and change the statement), and Tab still completes commands.
    @Test(arguments: bothBuilds)
    func typedAndPastedTextArrivesIntact(_ binary: URL) async throws {
        try CLITests.provisioned()
        let terminal = try Terminal(binary: binary)
        try await terminal.waitFor("=> ")
        try terminal.type(":as seattle")
        try await terminal.waitFor("zava seattle=> ")
        try terminal.type("select 'café ñ 日本' as x;")
        try await terminal.waitFor(" café ñ 日本")
        // One write, as a terminal delivers a paste.
        try terminal.type("select\t3 as pasted_tab, 'a\tb' = E'a\\tb' as kept;")
        let screen = try await terminal.waitFor("(1 row)", count: 2)
        #expect(screen.contains(" pasted_tab | kept"), "\(screen)")
        #expect(screen.contains("          3 | t"), "\(screen)")
        try terminal.type(":whoa", enter: false)
        try terminal.press("BSpace")
        try terminal.press("BSpace")
        try terminal.press("Tab")
        try await terminal.waitFor(":whoami")
        try terminal.press("Enter")
        try await terminal.waitFor("seattle (Zava Retail Seattle)")
        try terminal.type("\\q")
    }

    /// An executable shell script in `folder`: a stand-in editor or pager.
    static func script(_ body: String, in folder: URL) throws -> URL {
        let script = folder.appendingPathComponent("stand-in-\(UUID().uuidString.prefix(8)).sh")
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script
    }

    /// psql's habits at the prompt, in the release binary: continuation prompts that show what
    /// is open, `exit` inside a statement, `\\e`, `\\watch` ended by Ctrl-C, `\\x auto`, `quit`.
    @Test func psqlHabitsAtThePrompt() async throws {
        try CLITests.provisioned()
        // The "editor" appends to what it was given, as a person would.
        let editor = try Self.script("printf ' * 6 as edited;\\n' >> \"$1\"", in: try PsqlHabitsCLITests.folder())
        let terminal = try Terminal(["--as", "seattle"], environment: ["EDITOR": editor.path])
        try await terminal.waitFor("zava seattle=> ")
        try terminal.type("select 'it''s")
        try await terminal.waitFor("zava seattle'> ")
        try terminal.type("open' as quoted, (1 +")
        try await terminal.waitFor("zava seattle(> ")
        try terminal.type("2) as sum \\gx")
        try await terminal.waitFor("quoted | it's")
        // Inside a statement, exit is text (as in psql), with advice; \\r clears the statement.
        try terminal.type("select 1 +")
        try terminal.type("exit")
        try await terminal.waitFor("Use \\q to quit.")
        try terminal.type("\\r")
        try await terminal.waitFor("Query buffer reset (cleared).")
        // \e hands the statement typed so far to the editor; what comes back runs when it ends with ;.
        try terminal.type("select 7")
        try terminal.type("\\e")
        try await terminal.waitFor(" edited\n--------\n     42")
        try terminal.type("\\x auto")
        try await terminal.waitFor("Expanded display is used automatically.")
        try terminal.type("select now() as t, 'tick' as label \\watch 0.3")
        try await terminal.waitFor("(every 0.3s)", count: 3)
        try terminal.press("C-c")
        try await Task.sleep(for: .milliseconds(500))
        let ticks = try terminal.screen().components(separatedBy: "(every 0.3s)").count - 1
        try await Task.sleep(for: .milliseconds(900))
        #expect(try terminal.screen().components(separatedBy: "(every 0.3s)").count - 1 == ticks, "Ctrl-C ended \\watch")
        try terminal.type("select 'after' as watch;")
        try await terminal.waitFor(" after")
        try terminal.type("quit")
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        func running() throws -> Bool { try Subprocess.run("/usr/bin/tmux", ["has-session", "-t", terminal.name]).status == 0 }
        while clock.now < deadline, try running() {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try !running(), "quit on an empty line ends zava")
    }

    /// Two REPLs open at once: each one's statements are in the history file afterwards.
    @Test func twoREPLsKeepEachOthersHistory() async throws {
        try CLITests.provisioned()
        let history = FileManager.default.temporaryDirectory.appendingPathComponent("zava-history-\(UUID().uuidString.prefix(8))").path
        try Data().write(to: URL(fileURLWithPath: history)) // an existing, empty file
        let first = try Terminal(["--as", "seattle"], environment: ["ZAVA_HISTORY": history])
        let second = try Terminal(["--as", "bellevue"], environment: ["ZAVA_HISTORY": history])
        try await first.waitFor("zava seattle=> ")
        try await second.waitFor("zava bellevue=> ")
        try first.type("select 'from the first' as a;")
        try await first.waitFor("from the first")
        try second.type("select 'from the second' as b;")
        try await second.waitFor("from the second")
        try first.type("select 'first again' as c;")
        try await first.waitFor("first again")
        try first.type("\\q")
        try second.type("\\q")
        try await Task.sleep(for: .milliseconds(500))
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        for statement in ["from the first", "from the second", "first again"] {
            #expect(saved.contains(statement.replacingOccurrences(of: " ", with: "\\040")) || saved.contains(statement), "\(statement): \(saved)")
        }
        // A third REPL finds both sessions' statements with Up.
        let third = try Terminal(["--as", "seattle"], environment: ["ZAVA_HISTORY": history])
        try await third.waitFor("zava seattle=> ")
        try third.press("Up")
        try third.press("Up")
        try await third.waitFor("from the second")
        try third.press("C-c")
        try third.type("\\q")
    }

    /// `:timing` measures the statement, not the time spent reading its result in the pager;
    /// a result shorter than the screen is printed without the pager, however wide.
    @Test func timingLeavesOutThePagerAndShortResultsAreNotPaged() async throws {
        try CLITests.provisioned()
        let folder = try PsqlHabitsCLITests.folder()
        let log = folder.appendingPathComponent("paged")
        // A reader who takes two seconds over the page.
        let pager = try Self.script("echo paged >> '\(log.path)'\nsleep 2\ncat", in: folder)
        let terminal = try Terminal(["--as", "seattle"], environment: ["PAGER": pager.path])
        try await terminal.waitFor("zava seattle=> ")
        try terminal.type(":timing on")
        try await terminal.waitFor("Timing is on.")
        try terminal.type("select repeat('w', 300) as wide;")
        try await terminal.waitFor("(1 row)")
        #expect(!FileManager.default.fileExists(atPath: log.path), "a short, wide result is not paged")
        try terminal.type("select g from generate_series(1, 200) g;")
        let screen = try await terminal.waitFor("ms (database", count: 2, timeout: .seconds(30))
        #expect(FileManager.default.fileExists(atPath: log.path), "a tall result is paged")
        let times = screen.split(separator: "\n").filter { $0.hasPrefix("Time: ") }
            .compactMap { Double($0.dropFirst("Time: ".count).prefix { $0 != " " }) }
        #expect(times.count == 2 && times.allSatisfy { $0 < 1_000 }, "the statement's time, not the pager's 2 s: \(times)")
        try terminal.type("\\q")
    }
}
}
