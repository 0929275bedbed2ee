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
        subcommands: [ReplCommand.self, DBCommand.self, SearchCommand.self, EmbedCommand.self, DoctorCommand.self],
        defaultSubcommand: ReplCommand.self)
}

/// `zava` with no subcommand: the REPL, or `-c`/stdin statements without a terminal.
struct ReplCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl", abstract: "Open the REPL (the default), or run SQL from -c or standard input.")

    @Option(name: [.short, .customLong("command")], help: "Run one SQL statement (or several, separated by ';') and exit.")
    var command: String?

    @Option(name: .customLong("as"), help: "Identity: headoffice, a store profile (seattle, ...), a store name or rls_user_id.")
    var profile: String?

    @Option(help: "Output format: table, expanded, auto, csv, tsv, json, markdown.")
    var format: OutputFormat?

    @Option(help: "Row cap for this run (default ZAVA_ROW_CAP).")
    var maxRows: Int?

    @Flag(name: .customLong("continue-on-error"), help: "With -c or standard input: run the statements after one that failed (by default the run stops there, as psql -v ON_ERROR_STOP=1).")
    var continueOnError = false

    @OptionGroup(title: "MCP endpoint")
    var endpoint: ServeOptions

    @OptionGroup(title: "Safety")
    var rls: RLSOverride

    func validate() throws {
        if endpoint.serve, command != nil { throw ValidationError("--serve and --command cannot be combined") }
    }

    func run() async throws {
        if endpoint.serve { HTTPThreads.configure(endpoint.httpThreads) }
        try await reportingErrors {
            let runtime = try Runtime.load()
            let database = try await runtime.openCheckedDatabase(rowCap: maxRows, override: rls)
            defer { Task { await database.close() } }
            let interactive = command == nil && isatty(STDIN_FILENO) == 1
            let configuration = runtime.configuration
            let embedders = EmbedderCache { try EmbedderFactory.make(configuration) }
            let makeEmbedder: @Sendable () throws -> any Embedder = { try embedders.get() }
            let format = self.format ?? runtime.preferences.format ?? .table
            if endpoint.serve {
                try await Serve.run(endpoint, runtime: runtime, database: database, profile: profile, format: format,
                                    enforcingRLS: !rls.allowUnenforcedRLS, makeEmbedder: makeEmbedder)
            } else if interactive {
                let repl = try await REPL(database: database, configuration: configuration, preferences: runtime.preferences,
                                          profile: runtime.profile(profile), format: format, makeEmbedder: makeEmbedder)
                await repl.run()
            } else {
                let script = command ?? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                let ok = try await Batch(database: database, profile: runtime.profile(profile), format: format,
                                         continueOnError: continueOnError).run(script)
                if !ok { throw ExitCodeError.failure }
            }
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}
