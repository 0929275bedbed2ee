import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaREPL

@Suite struct RenderingTests {
    static let result = QueryResult(
        columns: [Column(name: "store", typeOID: 25, typeName: "text"), Column(name: "revenue", typeOID: 1700, typeName: "numeric"),
                  Column(name: "note", typeOID: 25, typeName: "text")],
        rows: [[.text("Seattle"), .numeric("1234.50"), .null],
               [.text("東京"), .numeric("7.25"), .text("a, \"quoted\"\nline")]])

    @Test func tableIsAlignedLikePsql() {
        let text = OutputFormat.table.render(Self.result, style: RenderStyle(null: "∅"))
        // Like psql: centred headers (trailing spaces kept), numbers right-aligned, wide
        // characters counted as two columns, continuation lines for multi-line values.
        let expected = """
              store  | revenue |    note\u{20}\u{20}\u{20}\u{20}\u{20}
            ---------+---------+-------------
             Seattle | 1234.50 | ∅
             東京    |    7.25 | a, "quoted"
                     |         | line
            (2 rows)

            """
        #expect(text == expected)
    }

    @Test func csvRoundTripsThroughAParser() {
        let csv = OutputFormat.csv.render(Self.result)
        #expect(csv.hasPrefix("store,revenue,note\n"))
        #expect(csv.contains("Seattle,1234.50,\n"))
        #expect(!csv.contains("\r"), "LF line endings, as psql writes CSV")
        #expect(csv.contains("\"a, \"\"quoted\"\"\nline\""))
        let parsed = RFC4180.parse(csv).map { $0.map { $0 ?? "" } }
        #expect(parsed.count == 3)
        #expect(parsed[2] == ["東京", "7.25", "a, \"quoted\"\nline"])
    }

    @Test func jsonRoundTripsWithTypes() throws {
        let json = OutputFormat.json.render(Self.result)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        #expect(decoded?.count == 2)
        #expect(decoded?[0]["revenue"] as? Double == 1234.5)
        #expect(decoded?[0]["note"] is NSNull)
        #expect(decoded?[1]["store"] as? String == "東京")
    }

    @Test func markdownEscapesPipesAndNewlines() {
        let result = QueryResult(columns: [Column(name: "a|b", typeOID: 25, typeName: "text")], rows: [[.text("x|y\nz")]])
        #expect(OutputFormat.markdown.render(result) == "| a\\|b |\n| --- |\n| x\\|y<br>z |\n")
    }

    @Test func expandedShowsNullsAndMultilineValues() {
        let text = OutputFormat.expanded.render(Self.result, style: RenderStyle(null: "∅"))
        #expect(text.contains("-[ RECORD 1 ]"))
        #expect(text.contains("note    | ∅"))
        #expect(text.contains("note    | a, \"quoted\"\n        | line"))
    }

    @Test func truncationIsAnnounced() {
        var result = Self.result
        result.truncated = true
        #expect(OutputFormat.table.render(result).contains("(result truncated at 2 rows"))
    }

    @Test func errorsShowLineAndCaret() {
        let error = DatabaseError(sqlState: "42703", message: "column \"foo\" does not exist", position: 25)
        let text = ErrorRenderer.render(error, statement: "SELECT store_id,\n       foo FROM retail.stores")
        #expect(text == """
            ERROR:  column "foo" does not exist
            LINE 2:        foo FROM retail.stores
                           ^
            HINT:  :tables and :describe show each table's columns.

            """)
    }

    @Test func displayWidthCountsWideAndCombiningCharacters() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("東京") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("🔧") == 2)
    }
}
