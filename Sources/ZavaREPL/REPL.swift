import Foundation
import ZavaCore
import ZavaPostgres

/// zava's prompt: SQL, zava's `:` commands and psql's backslash commands, one identity at a
/// time. The same engine runs a script (`zava -c`, `-f`, standard input, `\i`): a script is
/// lines read from text instead of typed, and it stops at its first error unless told not to.
public final class REPL {
    /// How input arrives: typed at a terminal, or a script.
    public enum Mode: Equatable, Sendable {
        case interactive
        case script(continueOnError: Bool)
    }

    /// What a line's processing tells the loop reading lines.
    enum Flow {
        case next, failed, quit
    }

    let mode: Mode
    let database: Database
    let directory: IdentityDirectory
    let databaseName: String
    let editor: LineEditor?
    let completion: LibeditCompletion?
    let out: OutputBuffer
    let errors: OutputBuffer
    var identity: Identity?
    var format: OutputFormat
    var timing = false
    var pager: Pager
    var style: RenderStyle
    let savedQueries: SavedQueries?
    /// Product search for `:search`; nil where none is configured.
    let search: (any ProductSearching)?
    let serverStatus: (@Sendable () async -> String)?
    /// Limits for streamed output (scripts, `\o`, `\copy`, `:export`): no row cap unless
    /// `--max-rows` asked for one; the interactive cap is for what fits on a screen.
    let streamLimits: QueryLimits
    var splitter = StatementSplitter()
    var variables = Variables()
    /// `\o FILE`: where results go until `\o` alone.
    var output: OutputFile?
    /// What `:chart`, `:export` and `:save` work on.
    var lastResult: QueryResult?
    /// The last SQL statement run; nil after a `:search` (which `:save` cannot keep).
    var lastStatement: String?
    var lastWasSearch = false
    /// Whether any statement or command failed (a script's exit status).
    public private(set) var failed = false
    var includeDepth = 0

    /// `streamRowCap` caps streamed results (nil: no cap). Results and errors go to `output`
    /// and `errorOutput` (standard output and error, or a test's files).
    public init(database: Database, settings: Settings, preferences: Preferences, profile: String?,
                format: OutputFormat, mode: Mode = .interactive, streamRowCap: Int? = nil, crlf: Bool = false,
                search: (any ProductSearching)?, serverStatus: (@Sendable () async -> String)? = nil,
                output: FileHandle = .standardOutput, errorOutput: FileHandle = .standardError) async throws {
        self.mode = mode
        self.database = database
        self.search = search
        out = OutputBuffer(handle: output)
        errors = OutputBuffer(handle: errorOutput)
        self.serverStatus = serverStatus
        self.directory = try await database.identities()
        self.format = format
        var limits = database.defaultLimits
        limits.rowCap = streamRowCap ?? Int.max
        streamLimits = limits
        let environment = ProcessInfo.processInfo.environment
        let interactive = mode == .interactive
        let terminal = interactive && isatty(STDOUT_FILENO) == 1
        style = RenderStyle(colour: terminal && (preferences.colour ?? (environment["NO_COLOR"] == nil)), crlf: crlf)
        pager = Pager(enabled: preferences.pager && terminal)
        savedQueries = preferences.directory.map { SavedQueries(directory: $0.appendingPathComponent("queries")) }
        if interactive {
            editor = LineEditor(historyFile: REPL.historyFile(settings), historySize: preferences.historySize)
            completion = LibeditCompletion(completer: SQLCompleter(catalogue: CompletionCatalogue()))
            completion?.install()
        } else {
            editor = nil
            completion = nil
        }
        if let profile {
            identity = try directory.resolve(profile)
        }
        // Only the prompt shows the name: a script saves the round trip.
        databaseName = interactive ? (try? await database.name()) ?? "zava" : "zava"
        if interactive {
            // Completion without table names still completes keywords and commands.
            try? await refreshCompletion()
        }
        signal(SIGPIPE, SIG_IGN) // a pager closed early must not end zava
    }

    static func historyFile(_ settings: Settings) -> URL? {
        if let file = settings.historyFile { return file }
        let environment = ProcessInfo.processInfo.environment
        let state = environment["XDG_STATE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? environment["HOME"].map { URL(fileURLWithPath: $0).appendingPathComponent(".local/state") }
        return state?.appendingPathComponent("zava/history")
    }

    var interactive: Bool { mode == .interactive }

    /// A variable for `:name` in the SQL (`zava --set name=value`, as `\set`).
    public func setVariable(_ name: String, to value: String) { variables[name] = value }

    /// `zava seattle=> `, and on a continuation line what is open: `-> `, `'> `, `(> ` (psql's `%R`).
    private var prompt: String {
        let who = "\(databaseName) \(identity?.profile ?? "(no identity)")"
        return splitter.isEmpty ? who + "=> " : who + "\(splitter.openState)> "
    }

    /// The interactive loop: lines from the terminal until `\q` or Ctrl-D.
    public func run() async {
        print("zava: retail analytics with row-level security. Type :help for commands, :quit to leave; Tab completes.")
        if let identity {
            print("You are \(identity).\(await orderDatesNote())")
        } else {
            print("Choose who you are first: :as headoffice, or a store: \(directory.profiles.dropFirst().joined(separator: ", ")).")
        }
        while true {
            completion?.pendingStatement = splitter.pending
            switch await readLine(prompt: prompt) {
            case .endOfInput:
                if let last = splitter.finish() { _ = await runStatement(last) }
                print("")
                closeOutput()
                return
            case .interrupted:
                splitter.reset()
                print("^C")
            case .line(let line):
                if await process(line) == .quit {
                    closeOutput()
                    return
                }
            }
        }
    }

    /// Runs a script's lines as if typed; returns false when a statement or command failed.
    public func run(script: String) async -> Bool {
        _ = await runLines(script)
        closeOutput()
        return !failed
    }

    /// Whether input stops at a failure: a script's (unless told to go on), and always a file
    /// that `\i` runs.
    var stopsAtFailure: Bool { mode == .script(continueOnError: false) || includeDepth > 0 }

    /// Runs `text` line by line, then its last statement if it lacks a `;`, stopping at the
    /// first failure where `stopsAtFailure` says so.
    func runLines(_ text: String) async -> Flow {
        let outer = splitter
        splitter = StatementSplitter()
        defer { splitter = outer }
        var flow = Flow.next
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let result = await process(String(line.hasSuffix("\r") ? line.dropLast() : line))
            if result == .quit { return .quit }
            if result == .failed {
                flow = .failed
                if stopsAtFailure { return .failed }
            }
        }
        if let last = splitter.finish(), await runStatement(last) == false { flow = .failed }
        return flow
    }

    /// One line of input: zava's `:` commands start a line; SQL runs when its `;` arrives; a
    /// backslash command ends the line's SQL and works on the statement typed so far.
    func process(_ line: String) async -> Flow {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if splitter.isEmpty, trimmed.hasPrefix(":") {
            editor?.remember(line)
            return await handleMeta(line)
        }
        if interactive, Self.isExitWord(trimmed) {
            // psql: `exit` or `quit` alone quits; inside a statement it is text, with advice
            // unless it is inside quoted text or a comment.
            if splitter.isEmpty { return .quit }
            if "-(".contains(splitter.openState) { print("Use \\q to quit.") }
        }
        let (statements, command) = splitter.append(line, commands: true)
        var flow = Flow.next
        for statement in statements {
            editor?.remember(statement + ";")
            if await runStatement(statement) == false {
                flow = .failed
                if stopsAtFailure { return flow }
            }
        }
        if let command {
            editor?.remember(splitter.isEmpty ? command : splitter.pending + " " + command)
            let result = await handleMeta(command)
            return result == .next ? flow : result
        }
        return flow
    }

    static func isExitWord(_ text: String) -> Bool {
        let word = text.hasSuffix(";") ? String(text.dropLast()).trimmingCharacters(in: .whitespaces) : text
        return word.lowercased() == "exit" || word.lowercased() == "quit"
    }

    /// Waits for input on a thread of its own: a person's typing must not hold one of the
    /// few cooperative threads that the MCP endpoint in the same process needs.
    private func readLine(prompt: String) async -> LineEditor.Input {
        guard let editor else { return .endOfInput }
        let box = UncheckedBox(editor)
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: box.value.readLine(prompt: prompt))
            }
        }
    }

    /// Runs one SQL statement where results go now: the screen (collected, capped), or a
    /// stream to `\o`'s file or a script's standard output (never capped by the screen's cap).
    /// Variables become bind parameters. Returns false when it failed (the error is shown).
    @discardableResult
    func runStatement(_ statement: String, parameters: [String?] = [], expanded: Bool = false, file: String? = nil) async -> Bool {
        lastStatement = statement
        lastWasSearch = false
        let (sql, bound) = variables.bind(statement, after: parameters)
        let shownAs = expanded ? OutputFormat.expanded : format
        do {
            if let file {
                let target = try OutputFile.open(file, overwrite: true)
                defer { target.close() }
                try await stream(sql, parameters: bound, to: target.buffer, format: shownAs)
            } else if let buffer = output?.buffer ?? (interactive ? nil : out) {
                try await stream(sql, parameters: bound, to: buffer, format: shownAs)
            } else {
                let session = try currentSession()
                try await runShowing(format: shownAs) { try await session.run(sql, parameters: bound) }
            }
            return true
        } catch {
            report(error, statement: sql)
            return false
        }
    }

    /// Streams a statement's rows to `buffer` in `format` as they arrive.
    @discardableResult
    func stream(_ sql: String, parameters: [String?] = [], to buffer: OutputBuffer, format: OutputFormat,
                header: Bool = true) async throws -> Int {
        let session = try currentSession().with(limits: streamLimits)
        // Streams go to files and scripts' output: no colour (a screen's results are collected).
        var plain = style
        plain.colour = false
        let writer = ResultStream(format: format, style: plain, to: buffer, header: header)
        let clock = ContinuousClock()
        let start = clock.now
        let summary = try await cancellable {
            try await session.streamText(sql, parameters: parameters, onColumns: { writer.begin($0) }, onRow: { writer.row($0) })
        }
        writer.finish(summary)
        buffer.flush()
        if summary.truncated {
            warn("result truncated at \(summary.rowCount.formatted()) rows by --max-rows")
            failed = true
        }
        if timing { print("Time: \(Self.milliseconds(clock.now - start)) ms") }
        return writer.rows
    }

    /// Runs a request with Ctrl-C cancelling it and a spinner once it takes a while; shows
    /// its result (it becomes the last result) and, with `:timing`, the statement's time
    /// (not the time spent reading the result in the pager).
    func runShowing(format: OutputFormat? = nil, _ request: @escaping @Sendable () async throws -> QueryResult) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await cancellable(request)
        let elapsed = clock.now - start
        lastResult = result
        show(result, format: format)
        if timing {
            print("Time: \(Self.milliseconds(elapsed)) ms (database \(Self.milliseconds(result.elapsed)) ms)")
        }
    }

    /// Runs `request` with Ctrl-C cancelling it and, at a terminal, a spinner on stderr once
    /// it takes a while.
    func cancellable<T: Sendable>(_ request: @escaping @Sendable () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let query = Task { try await request() }
        let interrupts = editor?.interrupts
        let spinner = interactive && isatty(STDERR_FILENO) == 1
            ? Spinner(unicode: TerminalInfo.isUTF8(ProcessInfo.processInfo.environment)) : nil
        let errors = self.errors
        let watcher = Task { () -> Bool in
            var drawn = false
            var ticks = 0
            while !Task.isCancelled {
                guard (try? await Task.sleep(for: .milliseconds(25))) != nil else { break }
                if interrupts?.take() == true { query.cancel(); break }
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
        return try outcome.get()
    }

    /// " Orders from <first> through <last>." for the current identity (the dataset has an end,
    /// and "last month" may be past it); empty when unknown.
    func orderDatesNote() async -> String {
        (try? await analyst().whoami())?.orderDatesNote ?? ""
    }

    func currentSession() throws -> Session {
        guard let identity else { throw MissingIdentityError(interactive: interactive) }
        return database.session(for: identity).audited(.local(interactive ? .repl : .command))
    }

    /// What the analyst asks as the current identity: the rules both front ends share.
    func analyst() throws -> AnalystService {
        AnalystService(session: try currentSession(), search: search)
    }

    func savedStore() throws -> SavedQueries {
        guard let savedQueries else { throw UsageError("saved queries need a config directory: set HOME or XDG_CONFIG_HOME") }
        return savedQueries
    }

    func refreshCompletion() async throws {
        guard let completion else { return }
        let tables = try await database.catalogue()
        completion.completer.catalogue = CompletionCatalogue(tables, profiles: directory.profiles,
                                                             savedQueries: (try? savedStore().names()) ?? [])
    }

    /// Shows a collected result: through `\o`'s file when one is open, else on the screen (paged
    /// when it is taller than the screen).
    func show(_ result: QueryResult, format: OutputFormat? = nil) {
        let format = format ?? self.format
        if let output {
            var fileStyle = style
            fileStyle.colour = false
            output.buffer.write(Self.rendering(result, format: format, style: fileStyle, width: nil))
            output.buffer.flush()
            return
        }
        let terminal = TerminalInfo.current()
        let text = Self.rendering(result, format: format, style: style, width: interactive ? terminal.columns : nil)
        out.flush()
        if !interactive || !pager.page(text, terminal: terminal) { out.write(text) }
        out.flush()
    }

    static func rendering(_ result: QueryResult, format: OutputFormat, style: RenderStyle, width: Int?) -> String {
        var text = format.render(result, style: style, width: width)
        if !format.announcesTruncation, result.truncated {
            text += "(\(Footer.truncationNotice(rows: "\(result.rows.count)")))\n"
        }
        return text
    }

    func report(_ error: Error, statement: String? = nil) {
        failed = true
        out.flush()
        errors.write(ErrorRenderer.render(error, statement: statement, colour: style.colour))
        errors.flush()
    }

    func print(_ text: String) {
        out.write(text + "\n")
        out.flush()
    }

    func warn(_ message: String) {
        errors.write("zava: \(message)\n")
        errors.flush()
    }

    func closeOutput() {
        output?.close()
        output = nil
    }

    static func textColumn(_ name: String) -> Column { Column(name: name, typeOID: 25, typeName: "text") }

    static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.3f", duration.milliseconds)
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
