import Foundation
import ZavaCore
import ZavaPostgres

/// The `:` and backslash commands.
extension REPL {
    /// Runs one command line; `.failed` when it failed (the error is shown).
    func handleMeta(_ line: String) async -> Flow {
        // psql substitutes variables in its commands' arguments; \copy's query binds them instead.
        let substituted = line.hasPrefix("\\") && !line.lowercased().hasPrefix("\\copy") ? variables.substitute(inCommand: line) : line
        do {
            return try await perform(try MetaCommand.parse(substituted))
        } catch {
            report(error)
            return .failed
        }
    }

    private func perform(_ command: MetaCommand) async throws -> Flow {
        switch command {
        case .quit: return .quit
        case .switchIdentity(let name):
            identity = try directory.resolve(name)
            print("You are now \(identity?.description ?? "").\(await orderDatesNote())")
        case .whoami:
            if let identity {
                print("\(identity), rls_user_id \(identity.rlsUserID.uuidString.lowercased()).\(await orderDatesNote())")
            } else {
                print("No identity: queries are refused until you choose one with :as.")
            }
        case .conninfo:
            try await conninfo()
        case .profiles:
            let rows = directory.identities.map { identity -> [PGValue] in
                [.text(identity.profile), identity.storeName.map(PGValue.text) ?? .text("(head office: every store)"),
                 .uuid(identity.rlsUserID.uuidString.lowercased())]
            }
            show(QueryResult(columns: [Self.textColumn("profile"), Self.textColumn("store"), Self.textColumn("rls_user_id")],
                             rows: rows))
        case .tables:
            let names = try await SchemaExplorer(session: try currentSession()).tableNames()
            show(QueryResult(columns: [Self.textColumn("table")], rows: names.map { [.text("retail.\($0)")] }))
        case .describe(let name):
            let table = try await SchemaExplorer(session: try currentSession()).describe(name)
            out.write(SchemaRenderer.render(table, style: style))
        case .list(let listing, let pattern):
            let (sql, parameters) = listing.query(pattern: pattern)
            let session = try currentSession()
            try await runShowing { try await session.run(sql, parameters: parameters) }
        case .refresh:
            try await refreshCompletion()
            let tables = completion?.completer.catalogue.tables ?? []
            print("Completion knows \(tables.count) tables and \(tables.map(\.columns.count).reduce(0, +)) columns.")
        case .format(let newFormat):
            format = newFormat ?? format
            print("Output format is \(format.rawValue).")
        case .expanded(let setting):
            format = setting ?? (format == .expanded ? .table : .expanded)
            print(format == .auto ? "Expanded display is used automatically."
                  : "Expanded display is \(format == .expanded ? "on" : "off").")
        case .pset(let option, let value):
            try await pset(option, value)
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
            try await runShowing { try await search.search(request) }
            lastStatement = nil
            lastWasSearch = true
        case .chart(let label, let value):
            guard let lastResult else { throw UsageError("no result to chart yet: run a query first") }
            let terminal = TerminalInfo.current()
            out.write(try ChartRenderer(width: terminal.columns, unicode: terminal.unicode)
                .render(lastResult, label: label, value: value))
        case .export(let file, let query, let overwrite):
            try await export(to: file, query: query, overwrite: overwrite)
        case .save(let name, let overwrite):
            guard let lastStatement else {
                throw UsageError(lastWasSearch
                    ? ":save keeps SQL statements, and the last result came from :search; run a SQL statement, then :save it"
                    : "no statement to save yet: run one first")
            }
            try savedStore().save(lastStatement + ";", as: name, overwrite: overwrite)
            completion?.completer.catalogue.savedQueries = try savedStore().names()
            let firstLine = lastStatement.split(separator: "\n").first.map(String.init) ?? ""
            print("Saved \(name) (\(firstLine.count > 60 ? String(firstLine.prefix(59)) + "…" : firstLine)); :run \(name) runs it.")
        case .run(let name, let arguments):
            let sql = try savedStore().load(name)
            if let mismatch = SavedQueries.argumentMismatch(name: name, sql: sql, arguments: arguments) {
                throw MetaCommand.ParseError(description: mismatch)
            }
            for statement in StatementSplitter.split(sql) {
                guard await runStatement(statement, parameters: arguments) else { return .failed }
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
        case .go(let file, let expanded):
            let statement = try bufferOrLast("\\g")
            return await runStatement(statement, expanded: expanded, file: file) ? .next : .failed
        case .gset(let prefix):
            try await gset(try bufferOrLast("\\gset"), prefix: prefix)
        case .watch(let seconds):
            return try await watch(try bufferOrLast("\\watch"), every: seconds)
        case .edit:
            return try await edit()
        case .printBuffer:
            print(splitter.isEmpty ? "Query buffer is empty." : splitter.pending)
        case .resetBuffer:
            splitter.reset()
            print("Query buffer reset (cleared).")
        case .output(let file):
            closeOutput()
            if let file {
                output = try OutputFile.open(file, overwrite: true)
            }
        case .include(let file):
            return try await include(file)
        case .set(let name, let value):
            if let name {
                variables[name] = value ?? ""
            } else {
                for name in variables.values.keys.sorted() {
                    print("\(name) = '\(variables.values[name] ?? "")'")
                }
            }
        case .unset(let name):
            variables[name] = nil
        case .echo(let text):
            print(text)
        case .copy(let copy):
            try await self.copy(copy)
        }
        out.flush()
        return .next
    }

    /// The statement typed so far (taken from the buffer), else the last one run.
    private func bufferOrLast(_ command: String) throws -> String {
        if let pending = splitter.finish() { return pending }
        guard let lastStatement else { throw UsageError("\(command): no statement to run: type one first") }
        return lastStatement
    }

    private func export(to file: String, query: String?, overwrite: Bool) async throws {
        let (target, format) = try ResultExporter.open(file, overwrite: overwrite)
        defer { target.close() }
        func wrote(_ rows: Int) {
            print("Wrote \(rows.formatted()) row\(rows == 1 ? "" : "s") (\(target.size.formatted()) bytes) to \(target.path).")
        }
        if let query {
            // Streamed: an export is never cut by the screen's row cap.
            let (sql, parameters) = variables.bind(query)
            wrote(try await stream(sql, parameters: parameters, to: target.buffer, format: format))
            lastStatement = query
            return
        }
        guard let lastResult else { throw UsageError("no result to export yet: run a query first, or :export <file> <query>") }
        target.buffer.write(format.render(lastResult, style: RenderStyle(null: style.null, crlf: style.crlf)))
        let rows = lastResult.rows.count
        wrote(rows)
        if lastResult.truncated {
            print("(\(Footer.truncationNotice(rows: rows.formatted()))); :export <file> <query> writes every row)")
        }
    }

    /// `\copy`: the rows in COPY's text or CSV format, streamed to a file or standard output.
    private func copy(_ copy: CopyCommand) async throws {
        let format: OutputFormat = copy.format == .csv ? .csv : .tsv
        let target = try copy.file.map { try OutputFile.open($0, overwrite: true) }
        defer { target?.close() }
        let (sql, parameters) = variables.bind(copy.query)
        let rows = try await stream(sql, parameters: parameters, to: target?.buffer ?? out, format: format, header: copy.header)
        // On standard output the tag would end up among the rows.
        if target != nil { print("COPY \(rows)") }
    }

    private func gset(_ statement: String, prefix: String) async throws {
        lastStatement = statement
        let (sql, parameters) = variables.bind(statement)
        let session = try currentSession()
        let result = try await cancellable { try await session.run(sql, parameters: parameters) }
        guard result.rows.count == 1, let row = result.rows.first else {
            throw UsageError("\\gset: the statement must return exactly one row (it returned \(result.rows.count))")
        }
        for (column, value) in zip(result.columns, row) {
            let name = prefix + column.name
            guard Variables.isValidName(name) else { throw UsageError("\\gset: \(name) is not a valid variable name") }
            variables[name] = value.isNull ? nil : value.displayText
        }
    }

    /// Runs `statement` every `seconds` until Ctrl-C (or until it fails), with psql's title line.
    private func watch(_ statement: String, every seconds: Double) async throws -> Flow {
        let interval = Duration.milliseconds(Int64(seconds * 1000))
        let interrupts = editor?.interrupts
        _ = interrupts?.take()
        let title = DateFormatter()
        title.dateFormat = "EEE dd MMM yyyy HH:mm:ss"
        while true {
            print("\(title.string(from: Date())) (every \(Self.seconds(seconds)))\n")
            guard await runStatement(statement) else { return .failed }
            let clock = ContinuousClock()
            let deadline = clock.now + interval
            while clock.now < deadline {
                if interrupts?.take() == true || Task.isCancelled { return .next }
                try? await Task.sleep(for: min(.milliseconds(50), deadline - clock.now))
            }
            if interrupts?.take() == true { return .next }
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))s" : "\(value)s"
    }

    /// `\e`: the statement typed so far (or the last one) in `$VISUAL`/`$EDITOR`; what comes
    /// back replaces it, and runs if it ends with `;`, as in psql.
    private func edit() async throws -> Flow {
        guard interactive else { throw UsageError("\\e needs a terminal") }
        let text = splitter.isEmpty ? (lastStatement.map { $0 + ";" } ?? "") : splitter.pending
        let environment = ProcessInfo.processInfo.environment
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zava-edit-\(UUID().uuidString.prefix(8)).sql")
        try Data((text + "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let status = try Subprocess.runInTerminal("/bin/sh", ["-c", "\(editor) \"$1\"", "sh", file.path])
        guard status == 0 else { throw UsageError("\\e: the editor (\(editor)) exited with status \(status); the statement is unchanged") }
        let edited = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        splitter.reset()
        guard !edited.isEmpty else { return .next }
        print(edited)
        var flow = Flow.next
        for line in edited.split(separator: "\n", omittingEmptySubsequences: false) {
            let result = await process(String(line))
            if result == .quit { return .quit }
            if result == .failed { flow = .failed }
        }
        return flow
    }

    /// `\i`: a file's lines as if typed, stopping at its first failure; files may include
    /// others, up to a depth that catches a file including itself.
    private func include(_ path: String) async throws -> Flow {
        guard includeDepth < 16 else { throw UsageError("\\i \(path): files include each other more than 16 deep") }
        let resolved = OutputFile.expand(path, environment: ProcessInfo.processInfo.environment)
        let text: String
        do {
            text = try String(contentsOfFile: resolved, encoding: .utf8)
        } catch {
            throw UsageError("\\i: cannot read \(resolved): \((error as NSError).localizedFailureReason ?? "no such file or not readable")")
        }
        includeDepth += 1
        defer { includeDepth -= 1 }
        let flow = await runLines(text)
        if flow == .failed { warn("stopped \(path) at its first error") }
        return flow
    }

    private func pset(_ option: String?, _ value: String?) async throws {
        switch option {
        case nil:
            print("""
                format     \(format.rawValue)
                null       '\(style.null)'
                pager      \(pager.enabled ? "on" : "off")
                crlf       \(style.crlf ? "on" : "off")
                """)
        case "format":
            guard let value else { print("Output format is \(format.rawValue)."); return }
            guard let chosen = OutputFormat(rawValue: value.lowercased()) ?? (value.lowercased() == "aligned" ? .table : nil) else {
                throw UsageError("\\pset format takes one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            format = chosen
            print("Output format is \(format.rawValue).")
        case "null":
            style.null = value ?? ""
            print("Null display is \"\(style.null)\".")
        case "pager":
            pager.enabled = try MetaCommand.onOff(value, command: "\\pset pager") ?? !pager.enabled
            print("Pager is \(pager.enabled ? "on (\(pager.command))" : "off").")
        case "expanded", "x":
            _ = try await perform(MetaCommand.parse("\\x" + (value.map { " " + $0 } ?? "")))
        case "crlf":
            style.crlf = try MetaCommand.onOff(value, command: "\\pset crlf") ?? !style.crlf
            print("CSV line endings are \(style.crlf ? "CRLF (RFC 4180)" : "LF").")
        default:
            throw UsageError("\\pset \(option ?? ""): zava knows format, null, pager, expanded and crlf")
        }
    }

    private func conninfo() async throws {
        let session = try currentSession()
        let result = try await session.run("""
            SELECT current_database(), current_user, coalesce(host(inet_server_addr()), 'a local socket'), current_setting('port')
            """)
        guard let row = result.rows.first, row.count == 4 else { return }
        let via = row[2].displayText == "a local socket" ? "via a local socket" : "on host \"\(row[2].displayText)\""
        print("You are connected to database \"\(row[0].displayText)\" as user \"\(row[1].displayText)\" \(via) at port \"\(row[3].displayText)\".")
        if let identity { print("Statements run as \(identity), rls_user_id \(identity.rlsUserID.uuidString.lowercased()).") }
    }
}
