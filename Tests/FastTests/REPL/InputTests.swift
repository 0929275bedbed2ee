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
        #expect(try MetaCommand.parse(":as seattle") as? SwitchIdentityCommand == SwitchIdentityCommand(profile: "seattle"))
        #expect(try MetaCommand.parse(":as Zava Retail Redmond") as? SwitchIdentityCommand
                == SwitchIdentityCommand(profile: "Zava Retail Redmond"))
        #expect(try MetaCommand.parse("\\d retail.orders") as? DescribeCommand == DescribeCommand(table: "retail.orders"))
        #expect(try MetaCommand.parse(":d orders") as? DescribeCommand == DescribeCommand(table: "orders"))
        #expect(try MetaCommand.parse("\\dt") is TablesCommand)
        #expect(try MetaCommand.parse("\\x") as? FormatCommand == .expanded(nil))
        #expect(try MetaCommand.parse("\\x on") as? FormatCommand == .expanded(.expanded))
        #expect(try MetaCommand.parse("\\x off") as? FormatCommand == .expanded(.table))
        #expect(try MetaCommand.parse("\\x AUTO") as? FormatCommand == .expanded(.auto))
        #expect(throws: MetaCommand.ParseError.self) { try MetaCommand.parse("\\x sometimes") }
        #expect(try MetaCommand.parse(":format csv") as? FormatCommand == .format(.csv))
        #expect(try MetaCommand.parse(":format") as? FormatCommand == .format(nil))
        #expect(try MetaCommand.parse("\\timing") as? TimingCommand == TimingCommand(enabled: nil))
        #expect(try MetaCommand.parse(":timing off") as? TimingCommand == TimingCommand(enabled: false))
        #expect(try MetaCommand.parse("\\q") is QuitCommand)
        #expect(try MetaCommand.parse("\\?") as? HelpCommand == HelpCommand(topic: nil))
        #expect(throws: MetaCommand.ParseError.self) { try MetaCommand.parse(":as") }
        #expect(throws: MetaCommand.ParseError.self) { try MetaCommand.parse(":format html") }
        #expect(throws: MetaCommand.ParseError.self) { try MetaCommand.parse(":frobnicate") }
        #expect(MetaCommand.isMeta("  :whoami"))
        #expect(!MetaCommand.isMeta("select ':x'"))
    }
}
