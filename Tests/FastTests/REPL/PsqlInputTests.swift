import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaREPL

/// psql's input rules: where a backslash command starts, what the continuation prompt shows,
/// variables as bind parameters, `\copy`'s grammar.
@Suite struct PsqlInputTests {
    @Test func theContinuationPromptShowsWhatIsOpen() {
        func state(_ text: String) -> Character {
            var splitter = StatementSplitter()
            _ = splitter.append(text, commands: true)
            return splitter.openState
        }
        #expect(state("select 1") == "-")
        #expect(state("select 'it''s") == "'")
        #expect(state("select \"Odd") == "\"")
        #expect(state("select (1 +") == "(")
        #expect(state("select $body$ x") == "$")
        #expect(state("select /* a /* nested */") == "*")
        #expect(state("select E'a\\'b") == "'", "a backslash escapes the quote in E''")
        #expect(state("select 'a\\'") == "-", "but not in a standard string")
        #expect(state("select $1 + (2)") == "-", "$1 is a parameter, not a dollar quote")
    }

    @Test func aBackslashOutsideQuotesEndsTheLinesSQL() {
        var splitter = StatementSplitter()
        var (statements, command) = splitter.append("select 1; select 'a\\b', 2 \\gx out.txt", commands: true)
        #expect(statements == ["select 1"])
        #expect(command == "\\gx out.txt")
        #expect(splitter.pending == " select 'a\\b', 2 ")
        #expect(splitter.finish() == "select 'a\\b', 2")
        (statements, command) = splitter.append("select 'x", commands: true)
        (statements, command) = splitter.append("\\g' as y;", commands: true)
        #expect(statements == ["select 'x\n\\g' as y"] && command == nil, "inside a quote a backslash is text")
        // Saved queries and :run never treat a backslash as a command.
        #expect(StatementSplitter.split("select '\\x'; select 2 \\g") == ["select '\\x'", "select 2 \\g"])
    }

    @Test func variablesBecomeBindParametersNeverText() {
        var variables = Variables()
        variables["name"] = "O'Brien; drop table x"
        variables["n"] = "5"
        variables["col"] = "store \"name\""
        let (sql, parameters) = variables.bind(
            "select :'name', :n::int, :\"col\", ':name', \"x:name\", 1::int, arr[1:2], :undefined, :name -- :name\n")
        #expect(sql == "select $1, $2::int, \"store \"\"name\"\"\", ':name', \"x:name\", 1::int, arr[1:2], :undefined, $1 -- :name\n")
        #expect(parameters == ["O'Brien; drop table x", "5"])
        // After a saved query's own arguments.
        let after = variables.bind("select $1, :n", after: ["first"])
        #expect(after.sql == "select $1, $2" && after.parameters == ["first", "5"])
        #expect(Variables().bind("select :x").sql == "select :x")
        #expect(variables.substitute(inCommand: "\\echo :n :'name' '::n' a::n") == "\\echo 5 'O''Brien; drop table x' '::n' a::n")
        #expect(Variables.isValidName("store_1") && !Variables.isValidName("a-b") && !Variables.isValidName(""))
    }

    @Test func copyCommandsParseAsPsqlDoes() throws {
        let query = try CopyCommand.parse("(select a, ')' as b from t where x = ';') to '/tmp/my file.csv' with (format csv, header)")
        #expect(query == CopyCommand(query: "select a, ')' as b from t where x = ';'", file: "/tmp/my file.csv", format: .csv, header: true))
        let table = try CopyCommand.parse("retail.stores (store_id, store_name) TO stdout csv header")
        #expect(table == CopyCommand(query: "SELECT store_id, store_name FROM retail.stores", file: nil, format: .csv, header: true))
        let plain = try CopyCommand.parse("orders to out.tsv")
        #expect(plain == CopyCommand(query: "SELECT * FROM orders", file: "out.tsv", format: .text, header: false))
        let off = try CopyCommand.parse("orders to out.csv (format csv, header false)")
        #expect(off.format == .csv && !off.header)
        for (text, message) in [("orders from 'x.csv'", "zava only reads"), ("(select 1 to x", "not closed"),
                                ("orders to program 'gzip'", "program is not supported"), ("orders to x (format binary)", "binary"),
                                ("orders to x (delimiter ';')", "unsupported option delimiter"), ("orders", "expected")] {
            #expect(throws: MetaCommand.ParseError.self) { try CopyCommand.parse(text) }
            do {
                _ = try CopyCommand.parse(text)
            } catch {
                #expect("\(error)".contains(message), "\(text): \(error)")
            }
        }
    }

    @Test func backslashCommandsParse() throws {
        #expect(try MetaCommand.parse("\\g") as? GoCommand == GoCommand(file: nil, expanded: false))
        #expect(try MetaCommand.parse("\\gx /tmp/a.txt") as? GoCommand == GoCommand(file: "/tmp/a.txt", expanded: true))
        #expect(try MetaCommand.parse("\\watch") as? WatchCommand == WatchCommand(seconds: 2))
        #expect(try MetaCommand.parse("\\watch 0.5") as? WatchCommand == WatchCommand(seconds: 0.5))
        #expect(try MetaCommand.parse("\\watch i=3") as? WatchCommand == WatchCommand(seconds: 3))
        #expect(throws: MetaCommand.ParseError.self) { try MetaCommand.parse("\\watch soon") }
        #expect(try MetaCommand.parse("\\set") as? VariablesCommand == .set(name: nil, value: nil))
        #expect(try MetaCommand.parse("\\set who 'it''s me'") as? VariablesCommand == .set(name: "who", value: "it's me"))
        #expect(try MetaCommand.parse("\\o") as? OutputCommand == OutputCommand(file: nil))
        #expect(try MetaCommand.parse("\\o out.txt") as? OutputCommand == OutputCommand(file: "out.txt"))
        #expect(try MetaCommand.parse("\\pset null '(null)'") as? PsetCommand == PsetCommand(option: "null", value: "(null)"))
        #expect(try MetaCommand.parse("\\df retail.*") as? ListCommand == ListCommand(listing: .functions, pattern: "retail.*"))
        #expect(try MetaCommand.parse("\\l") as? ListCommand == ListCommand(listing: .databases, pattern: nil))
        #expect(try MetaCommand.parse("\\conninfo") is ConnInfoCommand)
        #expect(try MetaCommand.parse("\\x auto") as? FormatCommand == .expanded(.auto))
        #expect(try MetaCommand.parse("\\x off") as? FormatCommand == .expanded(.table))
        #expect(try MetaCommand.parse("\\q") is QuitCommand)
        #expect(REPL.isExitWord("exit") && REPL.isExitWord(" quit; ".trimmingCharacters(in: .whitespaces)) && !REPL.isExitWord("exits"))
        let qualified = CatalogListing.split("retail.top_*")
        #expect(qualified.schema == "retail" && qualified.name == "top\\_%")
        let bare = CatalogListing.split("ord?rs")
        #expect(bare.schema == nil && bare.name == "ord_rs")
    }

    @Test func nullShowsAsEmptyOutsideAUTF8Locale() {
        #expect(RenderStyle.defaultNull(environment: ["LANG": "en_US.UTF-8"]) == "∅")
        #expect(RenderStyle.defaultNull(environment: ["LC_ALL": "C"]) == "")
        #expect(RenderStyle.defaultNull(environment: [:]) == "")
    }
}
