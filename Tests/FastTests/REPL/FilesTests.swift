import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaREPL

/// `:export`, saved queries and the config file: what they write, and how they refuse.
@Suite struct FilesTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("zava-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    static let result = QueryResult(columns: [Column(name: "store", typeOID: 25, typeName: "text"), Column(name: "n", typeOID: 20, typeName: "bigint")],
                                    rows: [[.text("Seattle"), .int(3)], [.text("Tacoma"), .null]])

    @Test func exportWritesTheFormatItsExtensionNames() throws {
        for (name, format) in [("out.csv", OutputFormat.csv), ("out.tsv", .tsv), ("out.json", .json), ("out.md", .markdown)] {
            let path = folder.appendingPathComponent(name).path
            let report = try ResultExporter.export(Self.result, to: path, overwrite: false)
            let written = try String(contentsOfFile: path, encoding: .utf8)
            #expect(written == format.render(Self.result))
            #expect(report == .init(rows: 2, bytes: written.utf8.count, path: path))
        }
    }

    @Test func exportRefusesToOverwriteUnlessAsked() throws {
        let path = folder.appendingPathComponent("keep.csv").path
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ResultExporter.ExportError(description: "\(path) already exists: :export! \(path) overwrites it")) {
            try ResultExporter.export(Self.result, to: path, overwrite: false)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n")
        _ = try ResultExporter.export(Self.result, to: path, overwrite: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("store,n\n"))
    }

    @Test func exportExplainsUnwritablePathsAndUnknownFormats() throws {
        #expect(throws: ResultExporter.ExportError(description: "cannot write /nonexistent/dir/out.csv: No such file or directory")) {
            try ResultExporter.export(Self.result, to: "/nonexistent/dir/out.csv", overwrite: false)
        }
        #expect(throws: ResultExporter.ExportError(description: "cannot tell the format of out.xlsx: use a .csv, .tsv, .json or .md file name")) {
            try ResultExporter.export(Self.result, to: "out.xlsx", overwrite: false)
        }
        #expect(ResultExporter.expand("~/x.csv", environment: ["HOME": "/home/ana"]) == "/home/ana/x.csv")
    }

    @Test func savedQueriesRoundTripAndRefuseBadNames() throws {
        let store = SavedQueries(directory: folder.appendingPathComponent("queries"))
        #expect(store.names().isEmpty)
        try store.save("select $1::int + 1;", as: "plus_one", overwrite: false)
        try store.save("select 2;", as: "two", overwrite: false)
        #expect(store.names() == ["plus_one", "two"])
        #expect(try store.load("plus_one") == "select $1::int + 1;")
        #expect(throws: SavedQueries.SavedQueryError.self) { try store.save("select 3;", as: "two", overwrite: false) }
        try store.save("select 3;", as: "two", overwrite: true)
        #expect(try store.load("two") == "select 3;")
        #expect(throws: SavedQueries.SavedQueryError.self) { try store.save("x", as: "../escape", overwrite: false) }
        #expect(throws: SavedQueries.SavedQueryError(description: "no saved query named nope (saved: plus_one, two)")) {
            try store.load("nope")
        }
    }

    /// A saved statement's parameters, counted by the grammar ($1 in a string is no parameter).
    @Test func runSaysHowManyArgumentsAStatementNeeds() {
        let sql = "select $1::date as day, '$9 is text' as note /* $8 */ from retail.orders where store_id = $2"
        #expect(StatementParameters.highest(in: sql) == 2)
        #expect(SavedQueries.argumentMismatch(name: "daily", sql: sql, arguments: ["2024-01-01", "1"]) == nil)
        #expect(SavedQueries.argumentMismatch(name: "daily", sql: sql, arguments: [])
                == "daily needs 2 arguments ($1, $2), got 0: :run daily <$1> <$2>")
        #expect(SavedQueries.argumentMismatch(name: "all", sql: "select 1", arguments: ["x"]) == "all takes no arguments, got 1: :run all")
        #expect(SavedQueries.argumentMismatch(name: "one", sql: "select $1", arguments: []) == "one needs 1 argument ($1), got 0: :run one <$1>")
    }

    @Test func runArgumentsKeepQuotedWordsTogether() throws {
        #expect(try MetaCommand.parse(":run category_revenue 'Power Tools' 2024") as? RunCommand
                == RunCommand(name: "category_revenue", arguments: ["Power Tools", "2024"]))
        #expect(try MetaCommand.parse(":run x \"\" a") as? RunCommand == RunCommand(name: "x", arguments: ["", "a"]))
        #expect(try MetaCommand.parse(":export out.csv select  1,  2") as? ExportCommand
                == ExportCommand(file: "out.csv", query: "select  1,  2", overwrite: false))
        #expect(try MetaCommand.parse(":export! out.csv") as? ExportCommand == ExportCommand(file: "out.csv", query: nil, overwrite: true))
        #expect(try MetaCommand.parse(":chart month revenue") as? ChartCommand == ChartCommand(label: "month", value: "revenue"))
        #expect(try MetaCommand.parse(":format tsv") as? FormatCommand == .format(.tsv))
        #expect(try MetaCommand.parse(":pager off") as? PagerCommand == PagerCommand(enabled: false))
        #expect(throws: MetaCommand.ParseError.self) { try MetaCommand.parse(":run x 'open") }
        #expect(throws: MetaCommand.ParseError.self) { try MetaCommand.parse(":chart month") }
    }

    @Test func configFileSetsPreferencesAndNamesItsMistakes() throws {
        let directory = folder.appendingPathComponent("zava")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("""
            # zava settings
            profile = seattle
            format = auto
            pager = off
            history_size = 500
            colour = off
            row_cap = 2500
            """.utf8).write(to: directory.appendingPathComponent("config"))
        let preferences = try Preferences.load(environment: ["XDG_CONFIG_HOME": folder.path, "HOME": "/nonexistent"])
        #expect(preferences.profile == "seattle")
        #expect(preferences.format == .auto)
        #expect(preferences.pager == false)
        #expect(preferences.historySize == 500)
        #expect(preferences.colour == false)
        #expect(preferences.rowCap == 2500)
        #expect(preferences.directory?.path == directory.path)
        #expect(throws: Preferences.PreferencesError(description: "f: fromat is an unknown setting (known: profile, format, pager, history_size, colour, color, row_cap)")) {
            try Preferences.parse("fromat = csv", file: "f")
        }
        #expect(throws: Preferences.PreferencesError(description: "f: pager = maybe is not valid: expected on or off")) {
            try Preferences.parse("pager = maybe", file: "f")
        }
        // A directory where the file should be: named, not "NSCocoaErrorDomain error 256".
        let misplaced = folder.appendingPathComponent("misplaced")
        try FileManager.default.createDirectory(at: misplaced.appendingPathComponent("zava/config"), withIntermediateDirectories: true)
        let path = misplaced.appendingPathComponent("zava/config").path
        #expect(throws: Preferences.PreferencesError(description: "cannot read \(path): it is a directory, not a config file")) {
            try Preferences.load(environment: ["XDG_CONFIG_HOME": misplaced.path, "HOME": "/nonexistent"])
        }
        // No file: the defaults.
        let defaults = try Preferences.load(environment: ["HOME": folder.appendingPathComponent("nobody").path])
        #expect(defaults.pager && defaults.format == nil && defaults.historySize == 2_000)
    }

    @Test func thePagerIsUsedOnlyForOutputThatDoesNotFit() {
        let screen = TerminalInfo(rows: 24, columns: 80, unicode: true)
        #expect(!Pager.needsPaging(String(repeating: "row\n", count: 23), terminal: screen))
        #expect(Pager.needsPaging(String(repeating: "row\n", count: 24), terminal: screen))
        // Wide but short: printed (the terminal wraps it); a pager would take the screen and typed-ahead keys.
        #expect(!Pager.needsPaging(String(repeating: "x", count: 200) + "\n", terminal: screen))
        #expect(!Pager(enabled: false, environment: [:]).page(String(repeating: "row\n", count: 100), terminal: screen))
        #expect(Pager(enabled: true, environment: [:]).command == "less -SRXF")
        #expect(Pager(enabled: true, environment: ["PAGER": "more"]).command == "more")
    }

    @Test func helpExplainsEachCommand() {
        #expect(CommandHelp.render(topic: "export").hasPrefix(":export <file> [query]"))
        #expect(CommandHelp.render(topic: "\\d").hasPrefix(":describe <table>"))
        #expect(CommandHelp.render(topic: "frobnicate") == "No help for frobnicate; type :help for the list.\n")
        let list = CommandHelp.render(topic: nil)
        for entry in CommandHelp.all { #expect(list.contains(entry.summary)) }
    }
}
