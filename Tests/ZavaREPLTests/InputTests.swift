import Testing
@testable import ZavaREPL

@Suite struct InputTests {
    @Test func statementsEndAtTopLevelSemicolons() {
        #expect(StatementSplitter.split("select 1; select 2") == ["select 1", "select 2"])
        #expect(StatementSplitter.split("select ';' as a; select \"x;y\" from t;") == ["select ';' as a", "select \"x;y\" from t"])
        #expect(StatementSplitter.split("select $$a;b$$; select $tag$;$tag$") == ["select $$a;b$$", "select $tag$;$tag$"])
        #expect(StatementSplitter.split("select 1 -- comment; not end\n; select /* ; */ 2") == ["select 1 -- comment; not end", "select /* ; */ 2"])
        #expect(StatementSplitter.split("select 'it''s;'") == ["select 'it''s;'"])
    }

    @Test func multiLineInputRunsWhenTheSemicolonArrives() {
        var splitter = StatementSplitter()
        #expect(splitter.append("select count(*)").isEmpty)
        #expect(!splitter.isEmpty)
        #expect(splitter.append("from retail.orders;") == ["select count(*)\nfrom retail.orders"])
        #expect(splitter.isEmpty)
    }

    @Test func metaCommandsAndPsqlAliases() throws {
        #expect(try MetaCommand.parse(":as seattle") == .switchIdentity("seattle"))
        #expect(try MetaCommand.parse(":as Zava Retail Redmond") == .switchIdentity("Zava Retail Redmond"))
        #expect(try MetaCommand.parse("\\d retail.orders") == .describe("retail.orders"))
        #expect(try MetaCommand.parse(":d orders") == .describe("orders"))
        #expect(try MetaCommand.parse("\\dt") == .tables)
        #expect(try MetaCommand.parse("\\x") == .expanded(nil))
        #expect(try MetaCommand.parse("\\x on") == .expanded(.expanded))
        #expect(try MetaCommand.parse("\\x off") == .expanded(.table))
        #expect(try MetaCommand.parse("\\x AUTO") == .expanded(.auto))
        #expect(throws: MetaCommand.ParseError.self) { try MetaCommand.parse("\\x sometimes") }
        #expect(try MetaCommand.parse(":format csv") == .format(.csv))
        #expect(try MetaCommand.parse(":format") == .format(nil))
        #expect(try MetaCommand.parse("\\timing") == .timing(nil))
        #expect(try MetaCommand.parse(":timing off") == .timing(false))
        #expect(try MetaCommand.parse("\\q") == .quit)
        #expect(try MetaCommand.parse("\\?") == .help(nil))
        #expect(throws: MetaCommand.ParseError.self) { try MetaCommand.parse(":as") }
        #expect(throws: MetaCommand.ParseError.self) { try MetaCommand.parse(":format html") }
        #expect(throws: MetaCommand.ParseError.self) { try MetaCommand.parse(":frobnicate") }
        #expect(MetaCommand.isMeta("  :whoami"))
        #expect(!MetaCommand.isMeta("select ':x'"))
    }
}
