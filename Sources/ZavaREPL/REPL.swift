import Foundation
import ZavaCore

/// The interactive prompt: SQL and meta commands, one identity at a time.
public final class REPL {
    private let database: Database
    private let directory: IdentityDirectory
    private let databaseName: String
    private let editor: LineEditor
    private let out = OutputBuffer()
    private var identity: Identity?
    private var format: OutputFormat
    private var timing = false
    private let style: RenderStyle
    private let makeEmbedder: @Sendable () throws -> any Embedder
    private var embedder: (any Embedder)?
    private let serverStatus: (@Sendable () async -> String)?

    /// `makeEmbedder` is called at the first `:search` (loading a model takes a moment).
    public init(database: Database, configuration: Configuration, profile: String?, format: OutputFormat,
                makeEmbedder: @escaping @Sendable () throws -> any Embedder,
                serverStatus: (@Sendable () async -> String)? = nil) async throws {
        self.database = database
        self.makeEmbedder = makeEmbedder
        self.serverStatus = serverStatus
        self.directory = try await database.identities()
        self.format = format
        let colour = ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
        self.style = RenderStyle(colour: colour)
        self.editor = LineEditor(historyFile: REPL.historyFile(configuration))
        if let profile = profile ?? configuration.values["ZAVA_PROFILE"] {
            identity = try directory.resolve(profile)
        }
        databaseName = (try? await database.name()) ?? "zava"
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
        print("zava: retail analytics with row-level security. Type :help for commands, :quit to leave.")
        if let identity {
            print("You are \(identity).")
        } else {
            print("Choose who you are first: :as headoffice, or a store: \(directory.profiles.dropFirst().joined(separator: ", ")).")
        }
        var splitter = StatementSplitter()
        while true {
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
                print("You are now \(identity?.description ?? "").")
            case .whoami:
                print(identity.map { "\($0), rls_user_id \($0.rlsUserID.uuidString.lowercased())" }
                      ?? "No identity: queries are refused until you choose one with :as.")
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
            case .format(let newFormat):
                format = newFormat
                print("Output format is \(format.rawValue).")
            case .toggleExpanded:
                format = format == .expanded ? .table : .expanded
                print("Expanded display is \(format == .expanded ? "on" : "off").")
            case .timing(let setting):
                timing = setting ?? !timing
                print("Timing is \(timing ? "on" : "off").")
            case .search(let request):
                let embedder = try self.embedder ?? makeEmbedder()
                self.embedder = embedder
                let search = ProductSearch(session: try currentSession(), embedder: embedder)
                let result = try await search.search(request)
                show(result)
                if timing { print("Time: \(Self.milliseconds(result.elapsed)) ms (database)") }
            case .server:
                print(await serverStatus?() ?? "No MCP endpoint in this process: start zava with --serve.")
            case .help(let topic):
                out.write(HelpText.render(topic: topic))
            }
        } catch {
            out.write(ErrorRenderer.render(error, colour: style.colour))
        }
        out.flush()
        return true
    }

    private func currentSession() throws -> Session {
        guard let identity else { throw MissingIdentityError() }
        return database.session(for: identity)
    }

    /// Runs one statement; Ctrl-C while it runs cancels it on the server.
    private func execute(_ statement: String) async {
        do {
            let session = try currentSession()
            let query = Task { try await session.run(statement) }
            let interrupts = editor.interrupts
            let watcher = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(25))
                    if interrupts.take() { query.cancel(); return }
                }
            }
            defer { watcher.cancel() }
            let result = try await query.value
            show(result)
            if timing { print("Time: \(Self.milliseconds(result.elapsed)) ms") }
        } catch {
            out.write(ErrorRenderer.render(error, statement: statement, colour: style.colour))
        }
        out.flush()
    }

    private func show(_ result: QueryResult) {
        out.write(format.render(result, style: style))
        if format != .table && format != .expanded && result.truncated {
            out.write("(result truncated at \(result.rows.count) rows by the row cap)\n")
        }
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

/// Hands the line editor to the input thread; only one thread uses it at a time.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
