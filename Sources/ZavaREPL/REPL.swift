import Foundation
import ZavaCore

/// The interactive prompt: SQL and meta commands, one identity at a time.
public final class REPL {
    private let database: Database
    private let directory: IdentityDirectory
    private let databaseName: String
    private let editor: LineEditor
    private let completion: LibeditCompletion
    private let out = OutputBuffer()
    private let errors = OutputBuffer(handle: .standardError)
    private var identity: Identity?
    private var format: OutputFormat
    private var timing = false
    private var pager: Pager
    private let style: RenderStyle
    private let savedQueries: SavedQueries?
    private let makeEmbedder: @Sendable () throws -> any Embedder
    private var embedder: (any Embedder)?
    private let serverStatus: (@Sendable () async -> String)?
    /// What `:chart`, `:export` and `:save` work on.
    private var lastResult: QueryResult?
    private var lastStatement: String?

    /// `makeEmbedder` is called at the first `:search` (loading a model takes a moment).
    public init(database: Database, configuration: Configuration, preferences: Preferences, profile: String?,
                format: OutputFormat, makeEmbedder: @escaping @Sendable () throws -> any Embedder,
                serverStatus: (@Sendable () async -> String)? = nil) async throws {
        self.database = database
        self.makeEmbedder = makeEmbedder
        self.serverStatus = serverStatus
        self.directory = try await database.identities()
        self.format = format
        let environment = ProcessInfo.processInfo.environment
        let terminal = isatty(STDOUT_FILENO) == 1
        style = RenderStyle(colour: terminal && (preferences.colour ?? (environment["NO_COLOR"] == nil)))
        pager = Pager(enabled: preferences.pager && terminal)
        savedQueries = preferences.directory.map { SavedQueries(directory: $0.appendingPathComponent("queries")) }
        editor = LineEditor(historyFile: REPL.historyFile(configuration), historySize: preferences.historySize)
        completion = LibeditCompletion(completer: SQLCompleter(catalogue: CompletionCatalogue()))
        completion.install()
        if let profile {
            identity = try directory.resolve(profile)
        }
        databaseName = (try? await database.name()) ?? "zava"
        // Completion without table names still completes keywords and commands.
        try? await refreshCompletion()
        signal(SIGPIPE, SIG_IGN) // a pager closed early must not end zava
    }

    static func historyFile(_ configuration: Configuration) -> URL? {
        if let path = configuration.values["ZAVA_HISTORY"] { return URL(fileURLWithPath: path) }
        let environment = ProcessInfo.processInfo.environment
        let state = environment["XDG_STATE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? environment["HOME"].map { URL(fileURLWithPath: $0).appendingPathComponent(".local/state") }
        return state?.appendingPathComponent("zava/history")
    }

    private var prompt: String { "\(databaseName) \(identity?.profile ?? "(no identity)")=> " }
    private var continuationPrompt: String { "\(databaseName) \(identity?.profile ?? "(no identity)")-> " }

    public func run() async {
        print("zava: retail analytics with row-level security. Type :help for commands, :quit to leave; Tab completes.")
        if let identity {
            print("You are \(identity).\(await orderDatesNote())")
        } else {
            print("Choose who you are first: :as headoffice, or a store: \(directory.profiles.dropFirst().joined(separator: ", ")).")
        }
        var splitter = StatementSplitter()
        while true {
            completion.pendingStatement = splitter.pending
            switch await readLine(prompt: splitter.isEmpty ? prompt : continuationPrompt) {
            case .endOfInput:
                if let last = splitter.finish() { await execute(last) }
                print("")
                return
            case .interrupted:
                splitter.reset()
                print("^C")
            case .line(let line):
                if splitter.isEmpty, MetaCommand.isMeta(line) {
                    editor.remember(line)
                    if await handleMeta(line) == false { return }
                    continue
                }
                let statements = splitter.append(line)
                for statement in statements {
                    editor.remember(statement + ";")
                    lastStatement = statement
                    await execute(statement)
                }
            }
        }
    }

    /// Waits for input on a thread of its own: a person's typing must not hold one of the
    /// few cooperative threads that the MCP endpoint in the same process needs.
    private func readLine(prompt: String) async -> LineEditor.Input {
        let editor = UncheckedBox(editor)
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: editor.value.readLine(prompt: prompt))
            }
        }
    }

    /// Returns false when the user asked to quit.
    private func handleMeta(_ line: String) async -> Bool {
        do {
            switch try MetaCommand.parse(line) {
            case .quit: return false
            case .switchIdentity(let name):
                identity = try directory.resolve(name)
                print("You are now \(identity?.description ?? "").\(await orderDatesNote())")
            case .whoami:
                if let identity {
                    print("\(identity), rls_user_id \(identity.rlsUserID.uuidString.lowercased()).\(await orderDatesNote())")
                } else {
                    print("No identity: queries are refused until you choose one with :as.")
                }
            case .profiles:
                let rows = directory.identities.map { identity -> [PGValue] in
                    [.text(identity.profile), identity.storeName.map(PGValue.text) ?? .text("(head office: every store)"),
                     .uuid(identity.rlsUserID.uuidString.lowercased())]
                }
                show(QueryResult(columns: [Self.textColumn("profile"), Self.textColumn("store"), Self.textColumn("rls_user_id")],
                                 rows: rows))
            case .tables:
                let explorer = SchemaExplorer(session: try currentSession())
                let names = try await explorer.tableNames()
                show(QueryResult(columns: [Self.textColumn("table")], rows: names.map { [.text("retail.\($0)")] }))
            case .describe(let name):
                let table = try await SchemaExplorer(session: try currentSession()).describe(name)
                out.write(SchemaRenderer.render(table, style: style))
            case .refresh:
                try await refreshCompletion()
                let tables = completion.completer.catalogue.tables
                print("Completion knows \(tables.count) tables and \(tables.map(\.columns.count).reduce(0, +)) columns.")
            case .format(let newFormat):
                format = newFormat ?? format
                print("Output format is \(format.rawValue).")
            case .expanded(let setting):
                format = setting ?? (format == .expanded ? .table : .expanded)
                print(format == .auto ? "Expanded display is used automatically."
                      : "Expanded display is \(format == .expanded ? "on" : "off").")
            case .pager(let setting):
                pager.enabled = setting ?? !pager.enabled
                print("Pager is \(pager.enabled ? "on (\(pager.command))" : "off").")
            case .timing(let setting):
                timing = setting ?? !timing
                print("Timing is \(timing ? "on" : "off").")
            case .search(let request):
                let embedder = try self.embedder ?? makeEmbedder()
                self.embedder = embedder
                let search = ProductSearch(session: try currentSession(), embedder: embedder)
                try await run { try await search.search(request) }
            case .chart(let label, let value):
                guard let lastResult else { throw UsageError("no result to chart yet: run a query first") }
                let terminal = TerminalInfo.current()
                out.write(try ChartRenderer(width: terminal.columns, unicode: terminal.unicode)
                    .render(lastResult, label: label, value: value))
            case .export(let file, let query, let overwrite):
                try await export(to: file, query: query, overwrite: overwrite)
            case .save(let name, let overwrite):
                guard let lastStatement else { throw UsageError("no statement to save yet: run one first") }
                try savedStore().save(lastStatement + ";", as: name, overwrite: overwrite)
                completion.completer.catalogue.savedQueries = try savedStore().names()
                let firstLine = lastStatement.split(separator: "\n").first.map(String.init) ?? ""
                print("Saved \(name) (\(firstLine.count > 60 ? String(firstLine.prefix(59)) + "…" : firstLine)); :run \(name) runs it.")
            case .run(let name, let arguments):
                let sql = try savedStore().load(name)
                if let mismatch = SavedQueries.argumentMismatch(name: name, sql: sql, arguments: arguments) {
                    throw MetaCommand.ParseError(description: mismatch)
                }
                for statement in StatementSplitter.split(sql) {
                    lastStatement = statement
                    await execute(statement, parameters: arguments)
                }
            case .saved:
                let store = try savedStore()
                let rows = try store.names().map { name -> [PGValue] in
                    let sql = try store.load(name).replacingOccurrences(of: "\n", with: " ")
                    return [.text(name), .text(sql.count > 70 ? String(sql.prefix(69)) + "…" : sql)]
                }
                show(QueryResult(columns: [Self.textColumn("name"), Self.textColumn("statement")], rows: rows))
                print("(kept in \(store.directory.path))")
            case .server:
                print(await serverStatus?() ?? "No MCP endpoint in this process: start zava with --serve.")
            case .help(let topic):
                out.write(CommandHelp.render(topic: topic))
            }
        } catch {
            out.flush()
            out.write(ErrorRenderer.render(error, colour: style.colour))
        }
        out.flush()
        return true
    }

    /// " Orders from <first> through <last>." for the current identity (the dataset has an end,
    /// and "last month" may be past it); empty when unknown.
    private func orderDatesNote() async -> String {
        guard let session = try? currentSession(), let dates = try? await SchemaExplorer(session: session).orderDates() else { return "" }
        return " Orders from \(dates.lowerBound) through \(dates.upperBound)."
    }

    private func currentSession() throws -> Session {
        guard let identity else { throw MissingIdentityError(interactive: true) }
        return database.session(for: identity)
    }

    private func savedStore() throws -> SavedQueries {
        guard let savedQueries else { throw UsageError("saved queries need a config directory: set HOME or XDG_CONFIG_HOME") }
        return savedQueries
    }

    private func refreshCompletion() async throws {
        let tables = try await database.catalogue()
        completion.completer.catalogue = CompletionCatalogue(tables, profiles: directory.profiles,
                                                             savedQueries: (try? savedStore().names()) ?? [])
    }

    /// Runs one statement; Ctrl-C while it runs cancels it on the server.
    private func execute(_ statement: String, parameters: [String?] = []) async {
        do {
            let session = try currentSession()
            try await run { try await session.run(statement, parameters: parameters) }
        } catch {
            out.flush()
            out.write(ErrorRenderer.render(error, statement: statement, colour: style.colour))
        }
        out.flush()
    }

    /// Runs a request with Ctrl-C cancelling it and a spinner once it takes a while, then
    /// shows its result (and the time, with `:timing`). It becomes the last result.
    @discardableResult
    private func run(_ request: @escaping @Sendable () async throws -> QueryResult, show shows: Bool = true) async throws -> QueryResult {
        let clock = ContinuousClock()
        let start = clock.now
        let query = Task { try await request() }
        let interrupts = editor.interrupts
        let spinner = isatty(STDERR_FILENO) == 1 ? Spinner(unicode: TerminalInfo.isUTF8(ProcessInfo.processInfo.environment)) : nil
        let errors = self.errors
        let watcher = Task { () -> Bool in
            var drawn = false
            var ticks = 0
            while !Task.isCancelled {
                guard (try? await Task.sleep(for: .milliseconds(25))) != nil else { break }
                if interrupts.take() { query.cancel(); break }
                ticks += 1
                let elapsed = clock.now - start
                if let spinner, elapsed >= Spinner.delay, ticks % 4 == 0 {
                    errors.write(spinner.frame(elapsed: elapsed))
                    errors.flush()
                    drawn = true
                }
            }
            return drawn
        }
        let outcome = await query.result
        watcher.cancel()
        if await watcher.value {
            errors.write(Spinner.clear)
            errors.flush()
        }
        let result = try outcome.get()
        lastResult = result
        if shows {
            show(result)
            if timing {
                print("Time: \(Self.milliseconds(clock.now - start)) ms total (database \(Self.milliseconds(result.elapsed)) ms)")
            }
        }
        return result
    }

    private func export(to file: String, query: String?, overwrite: Bool) async throws {
        _ = try ResultExporter.format(for: file) // a wrong extension fails before the query runs
        let result: QueryResult
        if let query {
            let session = try currentSession()
            lastStatement = query
            result = try await run({ try await session.run(query) }, show: false)
        } else {
            guard let lastResult else { throw UsageError("no result to export yet: run a query first, or :export <file> <query>") }
            result = lastResult
        }
        let report = try ResultExporter.export(result, to: file, overwrite: overwrite)
        print("Wrote \(report.rows.formatted()) row\(report.rows == 1 ? "" : "s") (\(report.bytes.formatted()) bytes) to \(report.path).")
        if result.truncated { print("(\(Footer.truncationNotice(rows: report.rows.formatted())))") }
    }

    private func show(_ result: QueryResult) {
        let terminal = TerminalInfo.current()
        var text = format.render(result, style: style, width: terminal.columns)
        if !format.announcesTruncation, result.truncated {
            text += "(\(Footer.truncationNotice(rows: "\(result.rows.count)")))\n"
        }
        out.flush()
        if !pager.page(text, terminal: terminal) { out.write(text) }
        out.flush()
    }

    private func print(_ text: String) {
        out.write(text + "\n")
        out.flush()
    }

    static func textColumn(_ name: String) -> Column { Column(name: name, typeOID: 25, typeName: "text") }

    static func milliseconds(_ duration: Duration) -> String {
        let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%.3f", ms)
    }
}

/// A command used the wrong way: the message says what to do instead.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Hands the line editor to the input thread; only one thread uses it at a time.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
