import Testing
@testable import ZavaREPL

@Suite struct CompletionTests {
    static let catalogue = CompletionCatalogue(
        tables: [
            .init(schema: "retail", name: "orders", columns: ["order_id", "customer_id", "store_id", "order_date"]),
            .init(schema: "retail", name: "order_items", columns: ["order_item_id", "order_id", "product_id", "quantity", "unit_price"]),
            .init(schema: "retail", name: "products", columns: ["product_id", "product_name", "category_id"]),
            .init(schema: "public", name: "notes", columns: ["id", "body"]),
        ],
        profiles: ["headoffice", "seattle", "bellevue"], savedQueries: ["monthly_revenue", "top_products"])
    static let completer = SQLCompleter(catalogue: catalogue)

    static let cases: [(before: String, after: String, expected: [String])] = [
        (":de", "", [":describe"]),
        ("\\t", "", ["\\timing"]),
        (":as se", "", ["seattle"]),
        (":d ord", "", ["retail.order_items", "retail.orders"]),
        (":format a", "", ["auto"]),
        (":run top", "", ["top_products"]),
        // Each command declares what follows its names: \x and \h take no completed argument.
        ("\\d+ ord", "", ["retail.order_items", "retail.orders"]),
        ("\\pset c", "", ["csv"]),
        ("\\x a", "", []),
        ("\\timing o", "", ["off", "on"]),
        (":h :sa", "", [":save", ":save!", ":saved"]),
        ("\\h :sa", "", []),
        ("SELECT * FROM ord", "", ["retail.order_items", "retail.orders"]),
        ("select * from retail.p", "", ["retail.products"]),
        ("select * from no", "", ["notes"]),
        ("select * from re", "", ["retail.order_items", "retail.orders", "retail.products", "retail."]),
        ("SELECT * FROM retail.orders o WHERE o.", "", ["o.customer_id", "o.order_date", "o.order_id", "o.store_id"]),
        ("select order_d", " from retail.orders", ["order_date"]),
        ("select * from retail.orders where st", "", ["store_id", "string_agg"]),
        ("select * from retail.orders o join retail.order_items i on i.pro", "", ["i.product_id"]),
        ("select * from retail.orders o join retail.order_items i on o.order_id = i.ord", "", ["i.order_id", "i.order_item_id"]),
        ("SELECT * FROM retail.orders GR", "", ["GROUP"]),
        ("select * from retail.orders gr", "", ["group"]),
        ("select count(*)\nfrom retail.orders\nwhere cu", "", ["customer_id", "current_date"]),
        // A table named inside a string literal is not a table of the statement.
        ("select 'from retail.orders', cu", "", ["current_date"]),
        ("select * from retail.orders, retail.products where product_n", "", ["product_name"]),
        ("select * from retail.orders where order_id = 1 and sto", "", ["store_id"]),
    ]

    @Test(arguments: cases)
    func candidatesForTypedPrefixes(_ testCase: (before: String, after: String, expected: [String])) {
        #expect(Self.completer.complete(before: testCase.before, after: testCase.after) == .candidates(testCase.expected),
                "\(testCase.before)")
    }

    @Test func columnsComeFirstAfterGroupBy() {
        guard case .candidates(let candidates) = Self.completer.complete(before: "select * from retail.orders group by ") else {
            Issue.record("expected candidates")
            return
        }
        #expect(Array(candidates.prefix(4)) == ["customer_id", "order_date", "order_id", "store_id"])
        #expect(candidates.contains("count"))
        #expect(candidates.contains("LIMIT"))
        #expect(!candidates.contains("product_id"))
    }

    @Test func exportCompletesFileNames() {
        #expect(Self.completer.complete(before: ":export rev") == .files)
    }

    @Test func keywordsAfterATableName() {
        guard case .candidates(let candidates) = Self.completer.complete(before: "select * from retail.orders ") else {
            Issue.record("expected candidates")
            return
        }
        #expect(candidates.contains("WHERE") && candidates.contains("JOIN"))
        #expect(!candidates.contains("order_id"))
    }

    @Test func identifiersThatNeedQuotesAreQuoted() {
        #expect(SQLCompleter.identifier("orders") == "orders")
        #expect(SQLCompleter.identifier("Sales2024") == "\"Sales2024\"")
        #expect(SQLCompleter.identifier("order") == "\"order\"")
    }

    @Test func theWordMatchesLibeditsWordBreaks() {
        #expect(SQLCompleter.currentWord("select a,b.c") == "b.c")
        #expect(SQLCompleter.currentWord("where x=(y") == "y")
        #expect(SQLCompleter.currentWord(":as se") == "se")
        #expect(LibeditCompletion.commonPrefix(["retail.order_items", "retail.orders"], atLeast: "ord") == "retail.order")
        #expect(LibeditCompletion.commonPrefix(["GROUP", "group_x"], atLeast: "gr") == "GROUP")
    }
}
