import ArgumentParser
import Foundation
import ZavaCore
import ZavaMCP
import ZavaREPL

@main
struct Zava: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zava",
        abstract: "Retail analytics over PostgreSQL with row-level security: a REPL, and an MCP endpoint.",
        usage: """
            zava [--as <profile>] [--format <format>] [-c <sql> | -f <file>]
            zava --serve [--as <profile>] [--port <port>]
            zava <subcommand>
            """,
        discussion: """
            With no subcommand zava opens the REPL (`zava repl --help` lists every option):
              --as <profile>          headoffice or a store: seattle, bellevue, ...
              -c, --command <sql>     run statements and commands, then exit
              -f, --file <file>       run a file's statements and commands, then exit
              --format <format>       table, expanded, auto, csv, tsv, json, markdown
              --serve                 also serve the MCP endpoint (port 8000, /mcp)
            """,
        subcommands: [ReplCommand.self, DBCommand.self, SearchCommand.self, EmbedCommand.self, DoctorCommand.self, AuditCommand.self,
                      TokenCommand.self],
        defaultSubcommand: ReplCommand.self)
}

/// `zava` with no subcommand: the REPL, or `-c`/stdin statements without a terminal.
struct ReplCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl", abstract: "Open the REPL (the default), or run SQL from -c or standard input.")

    @Option(name: [.short, .customLong("command")], help: "Run SQL statements (separated by ';') and commands, then exit.")
    var command: String?

    @Option(name: [.short, .customLong("file")], help: ArgumentHelp("Run the statements and commands in a file, then exit.", valueName: "file"))
    var file: String?

    @Option(name: [.customShort("v"), .customLong("set")], parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Set a variable for :name and :'name' in the SQL, as \\set does.", valueName: "name=value"))
    var variables: [String] = []

    @Option(name: .customLong("as"), help: "Identity: headoffice, a store profile (seattle, ...), a store name or rls_user_id.")
    var profile: String?

    @Option(help: "Output format: table, expanded, auto, csv, tsv, json, markdown.")
    var format: OutputFormat?

    @Option(help: "Row cap for this run: at the REPL, results shown (default ZAVA_ROW_CAP); with -c, -f or standard input, and for \\copy, \\o and :export, none unless given. 0: no cap.")
    var maxRows: Int?

    @Flag(help: "CSV with RFC 4180's CRLF line endings (the default is LF, as psql writes).")
    var crlf = false

    @Flag(name: .customLong("continue-on-error"), help: "With -c or standard input: run the statements after one that failed (by default the run stops there, as psql -v ON_ERROR_STOP=1).")
    var continueOnError = false

    @OptionGroup(title: "MCP endpoint")
    var endpoint: ServeOptions

    @OptionGroup(title: "Safety")
    var rls: RLSOverride

    func validate() throws {
        if endpoint.serve, command != nil || file != nil { throw ValidationError("--serve cannot be combined with --command or --file") }
        if command != nil, file != nil { throw ValidationError("use one of --command and --file") }
        if let maxRows, maxRows < 0 { throw ValidationError("--max-rows takes 0 (no cap) or a positive number") }
        for variable in variables {
            guard let equals = variable.firstIndex(of: "="), Variables.isValidName(String(variable[..<equals])) else {
                throw ValidationError("--set takes name=value (a name of letters, digits and _), not \(variable)")
            }
        }
    }

    func run() async throws {
        if endpoint.serve { HTTPThreads.configure(endpoint.httpThreads) }
        try await reportingErrors {
            let runtime = try Runtime.load()
            let telemetry = try Telemetry.start(runtime.settings.telemetry)
            do {
                try await Telemetry.continuingEnvironmentTrace { try await run(runtime, telemetry: telemetry) }
            } catch {
                // A failed `zava -c` still exports the spans of what it ran.
                await telemetry.shutdown()
                throw error
            }
            await telemetry.shutdown()
        }
    }

    private func run(_ runtime: Runtime, telemetry: Telemetry) async throws {
        let script = try readScript()
        let rowCap = maxRows.map { $0 == 0 ? Int.max : $0 }
        let database = try await runtime.openCheckedDatabase(rowCap: rowCap, override: rls)
        defer { Task { await database.close() } }
        let interactive = script == nil && isatty(STDIN_FILENO) == 1
        let settings = runtime.settings
        let embedders = EmbedderCache { try EmbedderFactory.make(settings) }
        let makeEmbedder: @Sendable () throws -> any Embedder = { try embedders.get() }
        let format = self.format ?? runtime.preferences.format ?? .table
        if endpoint.serve {
            try await Serve.run(endpoint, runtime: runtime, database: database, profile: profile, format: format,
                                enforcingRLS: !rls.allowUnenforcedRLS, telemetry: telemetry, makeEmbedder: makeEmbedder)
        } else {
            let repl = try await REPL(database: database, settings: settings, preferences: runtime.preferences,
                                      profile: runtime.profile(profile), format: format,
                                      mode: interactive ? .interactive : .script(continueOnError: continueOnError),
                                      streamRowCap: rowCap, crlf: crlf,
                                      search: EmbeddingProductSearch(embedder: makeEmbedder))
            for variable in variables {
                guard let equals = variable.firstIndex(of: "=") else { continue } // validate() refused it
                repl.setVariable(String(variable[..<equals]), to: String(variable[variable.index(after: equals)...]))
            }
            if interactive {
                await repl.run()
            } else {
                let text = script ?? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                if await repl.run(script: text) == false { throw ExitCodeError.failure }
            }
        }
    }

    /// The script of `-c` or `-f`; nil when neither was given.
    private func readScript() throws -> String? {
        if let command { return command }
        guard let file else { return nil }
        do {
            return try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(file): \((error as NSError).localizedFailureReason ?? "no such file or not readable")")
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}
