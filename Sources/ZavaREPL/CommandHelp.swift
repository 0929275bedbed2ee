/// `:help` and `:help <command>`: one line each in the list, details for one command.
struct CommandHelp {
    var names: [String]
    var usage: String
    var summary: String
    var details: String

    static let all: [CommandHelp] = [
        CommandHelp(names: [":as", "\\as"], usage: ":as <profile>",
                    summary: "run as headoffice or a store (seattle, bellevue, ...)",
                    details: """
                        Every statement runs as one identity; row-level security shows a store only its own orders,
                        order items, inventory and customers, whatever the SQL. A profile (seattle), a full store
                        name (Zava Retail Seattle) or an rls_user_id works. Examples: :as seattle   :as headoffice
                        """),
        CommandHelp(names: [":whoami"], usage: ":whoami", summary: "show the current identity",
                    details: "Shows the identity statements run as, with its rls_user_id, and the dates that have orders."),
        CommandHelp(names: ["\\conninfo"], usage: "\\conninfo", summary: "the database, role, socket or host, and port",
                    details: "Says where zava is connected, as psql does, and which identity statements run as."),
        CommandHelp(names: [":profiles"], usage: ":profiles", summary: "list the identities",
                    details: "Lists headoffice and every store, read from retail.stores."),
        CommandHelp(names: [":tables", "\\dt", "\\dt+"], usage: ":tables  (\\dt)", summary: "list the retail tables",
                    details: "Lists the tables of the retail schema."),
        CommandHelp(names: [":describe", ":d", "\\d", "\\d+"], usage: ":describe <table>  (:d, \\d)",
                    summary: "columns, keys, foreign keys and indexes of a table",
                    details: "Shows a table's columns with types, nullability and defaults, its keys and indexes. Example: :d orders"),
        CommandHelp(names: [":refresh"], usage: ":refresh", summary: "reload table and column names for Tab completion",
                    details: "Tab completes keywords, tables, columns of the tables a statement names, commands and profiles.\nThe names are read once at start-up; :refresh reads them again after the schema changed."),
        CommandHelp(names: [":format", "\\x"], usage: ":format [table|expanded|auto|csv|tsv|json|markdown]  (\\x [on|off|auto])",
                    summary: "choose how results are shown; alone, say which (\\x switches expanded on and off)",
                    details: """
                        table     psql's aligned table (the default)
                        expanded  one block per row, a line per column (\\x)
                        auto      table, or expanded when a row is wider than the terminal
                        csv       header row first, LF line ends (\\pset crlf on: CRLF); NULL is an empty field, '' a quoted empty one
                        tsv       tab-separated, header row first; PostgreSQL's text escapes (\\t \\n \\\\), NULL as \\N
                        json      an array of objects with typed values
                        markdown  a GitHub table
                        """),
        CommandHelp(names: ["\\pset"], usage: "\\pset [format|null|pager|expanded|crlf] [value]",
                    summary: "psql's display settings; alone, list them",
                    details: """
                        \\pset format csv      the same as :format csv (aligned is table)
                        \\pset null '(null)'   how NULL is shown (default ∅ in a UTF-8 locale, else nothing)
                        \\pset pager off       the same as :pager off
                        \\pset crlf on         CSV with RFC 4180's CRLF line endings instead of LF
                        """),
        CommandHelp(names: [":pager"], usage: ":pager [on|off]", summary: "page long results through $PAGER",
                    details: "When on (the default), a result taller than the terminal goes through $PAGER\n(default: less -SRXF); a shorter one is printed as it is, even when wide."),
        CommandHelp(names: [":timing", "\\timing"], usage: ":timing [on|off]  (\\timing)",
                    summary: "show how long each statement took",
                    details: "Shows the database's time (request sent to last row) and the total including display."),
        CommandHelp(names: [":search", ":s"],
                    usage: ":search <text> [--hybrid|--text] [--limit N] [--threshold T] [--category C] [--in-stock]",
                    summary: "find products by meaning (and words, with --hybrid); shows this store's stock",
                    details: """
                        Embeds the text and finds the closest product descriptions (pgvector HNSW), joined with this
                        identity's inventory (head office: stock_all_stores, the sum over every store). --hybrid also
                        ranks by words (full-text search); --text uses words only; both add a score column, the rank
                        the rows are in. --threshold is a minimum similarity in percent; --min-price/--max-price filter
                        by price; an unknown --category lists the categories. Quote text with spaces ('...' or "...").
                        Example: :search something to cut copper pipe --limit 5 --in-stock --category "plumbing"
                        """),
        CommandHelp(names: [":chart"], usage: ":chart [<label column> <value column>]",
                    summary: "draw the last result: bars, or a sparkline over dates",
                    details: """
                        Draws the last result in the terminal: horizontal bars for a text label and a number (from a
                        zero axis: negative values to its left), or a sparkline with its min and max when the label is
                        a date or time. With no columns named, the chart picks them when the result has one label and
                        one numeric column; with two labels and a number (month, store, revenue) it draws one
                        sparkline, or group of bars, per value of the second label (at most 20).
                        Example: select store_name, sum(total) from ... group by 1;  then  :chart
                        """),
        CommandHelp(names: [":export", ":export!"], usage: ":export <file> [query]  (:export! overwrites)",
                    summary: "write the last result (or a query's) to .csv, .tsv, .json or .md",
                    details: """
                        The file's extension picks the format. With a query, runs it as the current identity and
                        streams every row to the file (no row cap) instead of the last result. An existing file is
                        never overwritten unless the command is :export! .
                        Example: :export revenue.csv   :export top.json select * from retail.products
                        """),
        CommandHelp(names: ["\\copy"], usage: "\\copy {table | (query)} to {'file' | stdout} [with (format csv, header)]",
                    summary: "stream rows to a file in COPY's text or CSV format, no row cap",
                    details: """
                        As psql's \\copy: runs the query as the current identity and writes every row as it arrives,
                        in COPY's text format (tab-separated, \\N for NULL) or CSV. zava only reads: \\copy ... from is
                        refused. Example: \\copy (select * from orders where order_date >= '2026-10-01') to 'oct.csv' csv header
                        """),
        CommandHelp(names: ["\\o", "\\out"], usage: "\\o [file]", summary: "send the results that follow to a file; alone, back to the screen",
                    details: "Results are written to the file (replaced if it exists) in the current format, streamed and\nwithout the screen's row cap, until \\o alone."),
        CommandHelp(names: ["\\g", "\\gx"], usage: "\\g [file]  \\gx [file]", summary: "run the statement typed so far (or the last one again)",
                    details: "Ends a statement as ; does. \\gx shows this one result expanded; a file name writes the result there.\nExample: select * from stores \\gx"),
        CommandHelp(names: ["\\gset"], usage: "\\gset [prefix]", summary: "run the statement and keep its one row's values as variables",
                    details: "Each column becomes a variable (prefix + column name); NULL unsets it.\nExample: select count(*) as n from orders \\gset   then   select :n::int / 12 as per_month;"),
        CommandHelp(names: ["\\set", "\\unset", "\\echo"], usage: "\\set [name [value]]  \\unset name  \\echo text",
                    summary: "variables for :name, :'name' and :\"name\" in SQL",
                    details: """
                        \\set alone lists the variables. In SQL, :name and :'name' become bind parameters ($1, ...), never
                        text spliced into the statement, so any value stays one value; :"name" becomes a quoted identifier.
                        zava --set name=value sets one from the command line. Example: \\set store 3   select * from stores where store_id = :store;
                        """),
        CommandHelp(names: ["\\watch"], usage: "\\watch [seconds]", summary: "run the statement again every few seconds until Ctrl-C",
                    details: "Runs the statement typed so far (or the last one) every 2 seconds, or as many as given."),
        CommandHelp(names: ["\\e", "\\edit"], usage: "\\e", summary: "edit the statement typed so far (or the last one) in $EDITOR",
                    details: "Opens $VISUAL or $EDITOR (default vi); what you save comes back, and runs if it ends with ;."),
        CommandHelp(names: ["\\p", "\\r"], usage: "\\p  \\r", summary: "show or clear the statement typed so far",
                    details: "\\p prints the statement typed so far; \\r clears it (as Ctrl-C does)."),
        CommandHelp(names: ["\\i", "\\include"], usage: "\\i <file>", summary: "run a file's statements and commands as if typed",
                    details: "Runs the file line by line, stopping at its first error. zava -f <file> does the same from the shell."),
        CommandHelp(names: ["\\dn", "\\df", "\\dv", "\\du", "\\l"], usage: "\\dn \\df \\dv \\du \\l [pattern]",
                    summary: "list schemas, functions, views, roles, databases",
                    details: "As psql's: a pattern narrows the list (* any text, ? one character, schema.name).\nExample: \\df retail.*"),
        CommandHelp(names: [":save", ":save!"], usage: ":save <name>  (:save! replaces)", summary: "save the last statement",
                    details: "Saves the last SQL statement under a name (letters, digits, _ and -), in the config\ndirectory's queries/ folder. Use $1, $2 ... in it for :run's arguments."),
        CommandHelp(names: [":run"], usage: ":run <name> [arguments]", summary: "run a saved statement with $1-style arguments",
                    details: "Runs a saved statement; the arguments fill $1, $2 ... as query parameters (never spliced into\nthe SQL). Quote an argument with spaces: :run category_revenue 'Power Tools' 2024"),
        CommandHelp(names: [":saved"], usage: ":saved", summary: "list saved statements", details: "Lists the saved statements and where they are kept."),
        CommandHelp(names: [":server"], usage: ":server",
                    summary: "the MCP endpoint's address, sessions, requests in flight and pool use (with --serve)",
                    details: "With zava --serve, shows the MCP endpoint's address, its counters and the connection pool."),
        CommandHelp(names: [":help", ":h", "\\?", "\\h"], usage: ":help [command]  (\\?)", summary: "this list, or one command's details",
                    details: "Lists the commands, or explains one: :help export"),
        CommandHelp(names: [":quit", ":q", ":exit", "\\q"], usage: ":quit  (\\q, exit, quit, Ctrl-D)", summary: "leave zava",
                    details: "Leaves zava. exit or quit alone on a line also leave; inside a statement they are text.\nCtrl-C cancels a running statement or clears the line instead."),
    ]

    static func render(topic: String?) -> String {
        if let topic {
            let key = topic.hasPrefix(":") || topic.hasPrefix("\\") ? topic.lowercased() : ":" + topic.lowercased()
            guard let entry = all.first(where: { $0.names.contains(key) }) else {
                return "No help for \(topic); type :help for the list.\n"
            }
            return entry.usage + "\n" + entry.summary + ".\n\n" + entry.details + "\n"
        }
        let width = all.map { DisplayWidth.of($0.usage) }.filter { $0 <= 44 }.max() ?? 0
        let lines = all.map { entry in
            DisplayWidth.of(entry.usage) <= width
                ? "  " + DisplayWidth.pad(entry.usage, to: width) + "  " + entry.summary
                : "  " + entry.usage + "\n  " + String(repeating: " ", count: width) + "  " + entry.summary
        }
        return "Commands (SQL statements end with ;  Tab completes; :help <command> for details):\n"
            + lines.joined(separator: "\n") + "\n"
    }
}
