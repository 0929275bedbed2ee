import Foundation
import Testing
import ZavaCore
import ZavaTesting
@testable import ZavaREPL

@Suite struct SearchCommandTests {
    @Test func quotedValuesAreOneWord() throws {
        #expect(try MetaCommand.parse(#":search drill --category "POWER TOOLS""#) as? SearchCommand
            == SearchCommand(request: SearchRequest(query: "drill", category: "POWER TOOLS")))
        #expect(try MetaCommand.parse(":s 'cordless drill'  --category 'paint & finishes' --limit 5 --hybrid") as? SearchCommand
            == SearchCommand(request: SearchRequest(query: "cordless drill", maxRows: 5, mode: .hybrid, category: "paint & finishes")))
        #expect(try MetaCommand.parse(#":search "garden hose" reel"#) as? SearchCommand
            == SearchCommand(request: SearchRequest(query: "garden hose reel")))
    }

    @Test func quotesInsideWordsStayText() throws {
        #expect(try MetaCommand.parse(#":search kid's hammer for 1/2" nails"#) as? SearchCommand
            == SearchCommand(request: SearchRequest(query: #"kid's hammer for 1/2" nails"#)))
        #expect(throws: MetaCommand.ParseError(description: "unterminated quote in :search drill --category 'power tools")) {
            try MetaCommand.parse(":search drill --category 'power tools")
        }
        #expect(throws: MetaCommand.ParseError(description: "--category needs a value")) {
            try MetaCommand.parse(":search drill --category")
        }
    }

    /// The issue's own line, run as the REPL runs it: it finds power tools.
    @Test func aQuotedCategoryFindsItsProducts() async throws {
        guard let request = (try MetaCommand.parse(#":search drill --category "POWER TOOLS" --limit 5 --threshold 0"#) as? SearchCommand)?.request else {
            Issue.record("not a search")
            return
        }
        let database = try await TestEnvironment.shared.database("repl_search").analyst()
        let search = ProductSearch(session: database.session(for: try await database.identities().resolve("seattle")),
                                   embedder: try await TestEnvironment.shared.embedder())
        let result = try await search.search(request)
        #expect(result.rows.count == 5)
        #expect(result.rows.allSatisfy { $0[3] == .text("POWER TOOLS") })
        await database.close()
    }
}
