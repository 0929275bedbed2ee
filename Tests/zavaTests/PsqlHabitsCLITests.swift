import Foundation
import Testing
import ZavaCore

/// psql's habits through `zava -f` and `-c`: the same engine as the prompt, so what works in a
/// script works when typed (the pseudo-terminal tests cover what only a terminal has).
extension ExecutableTests {
@Suite struct PsqlHabitsCLITests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zava-psql-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func write(_ text: String, to url: URL) throws { try Data(text.utf8).write(to: url) }

    static func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// Variables are bind parameters: a value with quotes and a semicolon stays one value, and
    /// `\gset` carries a result into the next statement.
    @Test func variablesAreBoundNeverSpliced() throws {
        try CLITests.provisioned()
        let folder = try Self.folder()
        let script = folder.appendingPathComponent("vars.sql")
        try Self.write("""
            \\set name 'Zava Retail Seattle'
            \\set evil 'x''; select 1; --'
            select store_id from retail.stores where store_name = :'name';
            select :'evil' as evil, length(:'evil') as n;
            select count(*) as orders from retail.orders \\gset
            \\echo orders: :orders
            select :orders::int > 0 as some, :store::int as store;
            select 1 as "a::b", '::x' as c, ':name' as quoted;
            """, to: script)
        let result = try CLITests.zava(["--as", "seattle", "--format", "csv", "--set", "store=3", "-f", script.path])
        #expect(result.status == 0, "\(result.stderr)")
        let orders = try CLITests.zava(["--as", "seattle", "--format", "csv", "-c", "select count(*) from retail.orders"])
            .stdout.split(separator: "\n").last.map(String.init) ?? "?"
        #expect(result.stdout == """
            store_id
            1
            evil,n
            x'; select 1; --,16
            orders: \(orders)
            some,store
            t,3
            a::b,c,quoted
            1,::x,:name

            """, "\(result.stdout)")
        let badName = try CLITests.zava(["--as", "seattle", "--set", "no-dash=1", "-c", "select 1"])
        #expect(badName.status != 0 && badName.stderr.contains("--set takes name=value"), "\(badName.stderr)")
    }

    /// `\copy` and `\o` stream every row (the interactive cap does not apply), in COPY's own
    /// formats; `\g file` writes one result; `\copy from` is refused (zava only reads).
    @Test func copyOutputAndGoWriteFiles() throws {
        try CLITests.provisioned()
        let folder = try Self.folder()
        let copied = folder.appendingPathComponent("customers.csv")
        let text = folder.appendingPathComponent("stores.txt")
        let redirected = folder.appendingPathComponent("out.txt")
        let one = folder.appendingPathComponent("one.txt")
        let script = folder.appendingPathComponent("copy.sql")
        try Self.write("""
            \\copy (select customer_id, email from retail.customers order by 1) to '\(copied.path)' with (format csv, header)
            \\copy retail.stores (store_id, store_name) to '\(text.path)'
            \\o \(redirected.path)
            select count(*) as n from retail.stores;
            select store_name from retail.stores where store_id = 2;
            \\o
            select 'screen' as where_;
            select 42 as answer \\g \(one.path)
            """, to: script)
        let result = try CLITests.zava(["--as", "headoffice", "-f", script.path])
        #expect(result.status == 0, "\(result.stderr)")
        let customers = try CLITests.zava(["--as", "headoffice", "--format", "csv", "-c", "select count(*) from retail.customers"])
            .stdout.split(separator: "\n").last.flatMap { Int($0) } ?? 0
        #expect(customers > 0)
        let csv = try Self.read(copied)
        #expect(csv.hasPrefix("customer_id,email\n1,"), "\(csv.prefix(80))")
        #expect(csv.split(separator: "\n").count == customers + 1, "every customer: \\copy has no row cap")
        #expect(!csv.contains("\r"))
        #expect(try Self.read(text).hasPrefix("1\tZava Retail Seattle\n2\tZava Retail Bellevue\n"), "COPY text format, no header")
        let redirectedText = try Self.read(redirected)
        #expect(redirectedText == " n \n---\n 8\n(1 row)\n      store_name      \n----------------------\n Zava Retail Bellevue\n(1 row)\n",
                "\(redirectedText)")
        #expect(result.stdout.contains("COPY \(customers)\n") && result.stdout.contains("COPY 8\n"))
        #expect(result.stdout.contains(" where_ \n--------\n screen\n"), "\\o alone sends results back to the screen")
        #expect(!result.stdout.contains("answer"))
        #expect(try Self.read(one) == " answer \n--------\n     42\n(1 row)\n")
        // Every row also with --format csv on standard output (it was once capped at 10,000).
        let all = try CLITests.zava(["--as", "headoffice", "--format", "csv", "-c", "select * from retail.customers"])
        #expect(all.status == 0 && all.stdout.split(separator: "\n").count == customers + 1)
        let from = try CLITests.zava(["--as", "headoffice", "-c", "\\copy retail.stores from '/tmp/x.csv'"])
        #expect(from.status == 1 && from.stderr.contains("zava only reads: \\copy ... from is not supported"), "\(from.stderr)")
        let binary = try CLITests.zava(["--as", "headoffice", "-c", "\\copy retail.stores to stdout with (format binary)"])
        #expect(binary.status == 1 && binary.stderr.contains("binary"), "\(binary.stderr)")
        // RFC 4180's CRLF only when asked.
        let crlf = try CLITests.zava(["--as", "headoffice", "--format", "csv", "--crlf", "-c", "select 1 as a, 2 as b"])
        #expect(crlf.stdout == "a,b\r\n1,2\r\n")
    }

    /// `\i` runs a file as if typed (files may include files) and stops at its first error;
    /// `-f` stops there too and fails.
    @Test func includeAndScriptsStopAtTheFirstError() throws {
        try CLITests.provisioned()
        let folder = try Self.folder()
        let inner = folder.appendingPathComponent("inner.sql")
        let outer = folder.appendingPathComponent("outer.sql")
        let broken = folder.appendingPathComponent("broken.sql")
        try Self.write("select 'inner' as part;\n\\set from_inner yes\n", to: inner)
        try Self.write("select 'outer' as part;\n\\i \(inner.path)\n\\echo :from_inner\nselect 'last' as part\n", to: outer)
        try Self.write("select 'before' as part;\nselect nonsense;\nselect 'after' as part;\n", to: broken)
        let result = try CLITests.zava(["--as", "seattle", "--format", "csv", "-f", outer.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "part\nouter\npart\ninner\nyes\npart\nlast\n", "\(result.stdout)")
        let stopped = try CLITests.zava(["--as", "seattle", "--format", "csv", "-f", broken.path])
        #expect(stopped.status == 1 && stopped.stdout == "part\nbefore\n", "\(stopped)")
        #expect(stopped.stderr.contains("column \"nonsense\" does not exist"))
        let included = try CLITests.zava(["--as", "seattle", "--format", "csv", "--continue-on-error", "-c",
                                          "\\i \(broken.path)\nselect 'next' as part;"])
        #expect(included.stdout == "part\nbefore\npart\nnext\n", "\\i stops at its error; the script goes on: \(included)")
        #expect(included.stderr.contains("stopped \(broken.path) at its first error"))
        let missing = try CLITests.zava(["--as", "seattle", "-f", folder.appendingPathComponent("nope.sql").path])
        #expect(missing.status == 1 && missing.stderr.contains("cannot read"), "\(missing.stderr)")
    }

    /// The catalogue listings psql users type, and `\pset`.
    @Test func catalogueListingsAndDisplaySettings() throws {
        try CLITests.provisioned()
        let result = try CLITests.zava(["--as", "seattle", "-c", """
            \\dn
            \\dn ret*
            \\df retail.*
            \\dv
            \\du zava_*
            \\l zava*
            \\conninfo
            \\pset null '(none)'
            select null::int as nothing;
            \\pset format csv
            select 1 as a;
            """])
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout
        #expect(out.contains(" retail    | zava_owner"), "\(out)")
        #expect(out.contains("  Name  |   Owner    \n--------+------------\n retail | zava_owner\n(1 row)"), "\(out)")
        #expect(out.contains(" retail | current_store_id"), "\(out)")
        #expect(out.contains(" Schema | Name | Type | Owner"))
        #expect(out.contains(" zava_analyst |"))
        #expect(out.contains("You are connected to database \"zava\" as user \"zava_analyst\""), "\(out)")
        #expect(out.contains("Statements run as seattle (Zava Retail Seattle)"))
        #expect(out.contains(" nothing \n---------\n (none)\n"), "\(out)")
        #expect(out.hasSuffix("a\n1\n"), "\(out)")
    }

    /// Frictions a new analyst met: bare table names, `--help`, `:save` after `:search`, and
    /// zava run from another folder.
    @Test func frictionsANewAnalystMet() throws {
        try CLITests.provisioned()
        let bare = try CLITests.zava(["--as", "seattle", "--format", "csv", "-c", "select count(*) from stores; select count(*) > 0 from orders"])
        #expect(bare.status == 0 && bare.stdout == "count\n8\n?column?\nt\n", "retail is on the search path: \(bare)")
        let help = try CLITests.zava(["--help"])
        for option in ["-c, --command", "-f, --file", "--as <profile>", "--serve", "--format"] {
            #expect(help.stdout.contains(option), "zava --help lists \(option)")
        }
        let save = try CLITests.zava(["--as", "seattle", "--continue-on-error", "-c", ":search hammer --text --limit 1\n:save hammers"])
        #expect(save.stderr.contains(":save keeps SQL statements, and the last result came from :search"), "\(save.stderr)")
        // From another folder, with no ZAVA_HOME: the project's own .zava (beside sql/), not the folder's.
        let folder = try Self.folder()
        var environment = CLITests.environment
        environment["ZAVA_HOME"] = nil
        environment["ZAVA_ROOT"] = nil
        let status = try Subprocess.run("/bin/sh", ["-c", "cd '\(folder.path)' && '\(CLITests.binary.path)' db status"],
                                        environment: environment)
        #expect(status.stdout.contains(CLITests.root.appendingPathComponent(".zava").path) || status.stderr.contains(CLITests.root.appendingPathComponent(".zava").path),
                "\(status)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".zava").path))
    }
}
}
