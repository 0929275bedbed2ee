import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaREPL

@Suite struct ChartTests {
    /// A year of monthly revenue, as `SELECT date_trunc('month', order_date)::date AS month, sum(...)` returns it.
    static let monthlyRevenue = QueryResult(
        columns: [Column(name: "month", typeOID: 1082, typeName: "date"), Column(name: "revenue", typeOID: 1700, typeName: "numeric")],
        rows: zip(1...12, ["81234.50", "76012.25", "90450.00", "99870.75", "120344.10", "142009.95",
                           "151220.40", "148760.00", "118300.35", "104512.80", "131998.60", "187642.05"]).map { month, revenue in
            [.date(String(format: "2024-%02d-01", month)), .numeric(revenue)]
        })
    static let storeRevenue = QueryResult(
        columns: [Column(name: "store", typeOID: 25, typeName: "text"), Column(name: "revenue", typeOID: 1700, typeName: "numeric")],
        rows: [[.text("Zava Retail Seattle"), .numeric("1840233.10")], [.text("Zava Retail Bellevue"), .numeric("920116.55")],
               [.text("Zava Retail Online"), .numeric("2760349.65")], [.text("Zava Retail Tacoma"), .numeric("0")]])

    /// The expected chart; `ZAVA_RECORD_FIXTURES=1` rewrites it from `actual` (then read the diff).
    static func fixture(_ name: String, actual: String, filePath: String = #filePath) throws -> String {
        if ProcessInfo.processInfo.environment["ZAVA_RECORD_FIXTURES"] == "1" {
            let source = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name).txt")
            try Data(actual.utf8).write(to: source)
            return actual
        }
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test func monthlyRevenueSparklineMatchesTheFixture() throws {
        let chart = try ChartRenderer(width: 80, unicode: true).render(Self.monthlyRevenue)
        #expect(chart == (try Self.fixture("chart-monthly-revenue", actual: chart)))
    }

    @Test func storeRevenueBarsMatchTheFixture() throws {
        let chart = try ChartRenderer(width: 72, unicode: true).render(Self.storeRevenue)
        #expect(chart == (try Self.fixture("chart-store-revenue", actual: chart)))
    }

    @Test func asciiWhenTheTerminalIsNotUTF8() throws {
        let bars = try ChartRenderer(width: 72, unicode: false).render(Self.storeRevenue)
        #expect(bars.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(bars.contains("Zava Retail Online   |" + String(repeating: "#", count: 39) + " 2760349.65"))
        let line = try ChartRenderer(width: 80, unicode: false).render(Self.monthlyRevenue)
        #expect(line.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(line.split(separator: "\n")[1] == "__..=+**=-+@")
    }

    @Test func columnsAreNamedWhenAmbiguousAndErrorsSayWhich() throws {
        var result = Self.storeRevenue
        result.columns.append(Column(name: "orders", typeOID: 20, typeName: "bigint"))
        result.rows = result.rows.enumerated().map { $1 + [.int(Int64($0 + 1) * 10)] }
        #expect(throws: ChartRenderer.ChartError(description: "which columns? :chart <label> <value> (labels: store; numbers: revenue, orders)")) {
            try ChartRenderer(width: 72, unicode: true).render(result)
        }
        let chart = try ChartRenderer(width: 72, unicode: true).render(result, label: "store", value: "orders")
        #expect(chart.hasPrefix("orders by store\n"))
        #expect(throws: ChartRenderer.ChartError.self) { try ChartRenderer(width: 72, unicode: true).render(result, label: "store", value: "nope") }
        #expect(throws: ChartRenderer.ChartError.self) { try ChartRenderer(width: 72, unicode: true).render(result, label: "revenue", value: "store") }
        #expect(throws: ChartRenderer.ChartError(description: "nothing to chart: the last result has no rows")) {
            try ChartRenderer(width: 72, unicode: true).render(QueryResult(columns: result.columns, rows: []))
        }
    }

    @Test func manyPointsShareColumns() throws {
        let days = QueryResult(columns: Self.monthlyRevenue.columns,
                               rows: (0..<365).map { [.date("day \($0)"), .int(Int64($0 % 7))] })
        let chart = try ChartRenderer(width: 60, unicode: true).render(days)
        let lines = chart.split(separator: "\n")
        #expect(lines[0] == "revenue by month (365 points, 6+ a column)")
        #expect(lines[1].count == 60)
    }

    /// Profit per store, two of them losing money.
    static let storeProfit = QueryResult(
        columns: [Column(name: "store", typeOID: 25, typeName: "text"), Column(name: "profit", typeOID: 1700, typeName: "numeric")],
        rows: [[.text("Seattle"), .numeric("300.00")], [.text("Bellevue"), .numeric("-100.00")],
               [.text("Tacoma"), .numeric("0.00")], [.text("Kirkland"), .numeric("-50.00")]])

    @Test func negativeBarsGrowLeftOfAZeroAxis() throws {
        let chart = try ChartRenderer(width: 80, unicode: false).render(Self.storeProfit)
        let lines = chart.split(separator: "\n").map(String.init)
        #expect(lines[0] == "profit by store")
        // 60 bar columns for a span of 400: a quarter (-100 to 0) left of the axis, the rest right.
        let axis = try #require(lines[1].firstIndex(of: "|")).utf16Offset(in: lines[1])
        #expect(lines.dropFirst().allSatisfy { $0.firstIndex(of: "|")?.utf16Offset(in: $0) == axis }, "one zero axis")
        #expect(lines[1] == "Seattle  " + String(repeating: " ", count: 15) + "|" + String(repeating: "#", count: 45) + "  300.00")
        #expect(lines[2] == "Bellevue " + String(repeating: "#", count: 15) + "|" + String(repeating: " ", count: 45) + " -100.00")
        #expect(lines[3] == "Tacoma   " + String(repeating: " ", count: 15) + "|" + String(repeating: " ", count: 45) + "    0.00")
        #expect(lines[4] == "Kirkland " + String(repeating: " ", count: 7) + String(repeating: "#", count: 8) + "|"
            + String(repeating: " ", count: 45) + "  -50.00")
        let blocks = try ChartRenderer(width: 80, unicode: true).render(Self.storeProfit).split(separator: "\n")
        #expect(blocks[2].hasPrefix("Bellevue " + String(repeating: "█", count: 15) + "│"))
        #expect(blocks[4].hasPrefix("Kirkland " + String(repeating: " ", count: 7) + "▐" + String(repeating: "█", count: 7) + "│"))
    }

    @Test func allNegativeBarsEndAtTheAxis() throws {
        var losses = Self.storeProfit
        losses.rows = [[.text("Bellevue"), .numeric("-100.00")], [.text("Kirkland"), .numeric("-50.00")]]
        let lines = try ChartRenderer(width: 40, unicode: false).render(losses).split(separator: "\n").map(String.init)
        #expect(lines[1] == "Bellevue " + String(repeating: "#", count: 22) + "| -100.00")
        #expect(lines[2] == "Kirkland " + String(repeating: " ", count: 11) + String(repeating: "#", count: 11) + "|  -50.00")
    }

    /// Monthly revenue of three stores, long format (month, store, revenue), as a GROUP BY 1, 2 returns it.
    static func storeMonths(stores: [String], months: Int = 6) -> QueryResult {
        QueryResult(
            columns: [Column(name: "month", typeOID: 1082, typeName: "date"), Column(name: "store", typeOID: 25, typeName: "text"),
                      Column(name: "revenue", typeOID: 1700, typeName: "numeric")],
            rows: (1...months).flatMap { month in
                stores.enumerated().map { index, store -> [PGValue] in
                    // Seattle rises, Bellevue falls, Tacoma is flat.
                    let value = [1000 + 100 * month, 2000 - 200 * month, 500][index % 3]
                    let date = String(format: "%04d-%02d-01", 2024 + (month - 1) / 12, (month - 1) % 12 + 1)
                    return [.date(date), .text(store), .numeric("\(value).00")]
                }
            })
    }

    @Test func longFormatOverTimeDrawsOneSparklinePerSeries() throws {
        let result = Self.storeMonths(stores: ["Seattle", "Bellevue", "Tacoma"])
        let chart = try ChartRenderer(width: 80, unicode: true).render(result)
        #expect(chart == """
            revenue by month per store (6 points, 3 series, each on its own scale)
            Seattle  ▁▂▄▅▇█  1100.00 to 1600.00
            Bellevue █▇▅▄▂▁  800.00 to 1800.00
            Tacoma   ▅▅▅▅▅▅  500.00 to 500.00
                     2024-01-01 … 2024-06-01

            """)
        let ascii = try ChartRenderer(width: 60, unicode: false).render(result)
        #expect(ascii.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(ascii.contains("\nSeattle  _.=+#@  1100.00 to 1600.00\n"))
        // The same with the store first: the date is still the axis.
        var storeFirst = result
        storeFirst.columns = [result.columns[1], result.columns[0], result.columns[2]]
        storeFirst.rows = result.rows.map { [$0[1], $0[0], $0[2]] }
        #expect(try ChartRenderer(width: 80, unicode: true).render(storeFirst) == chart)
    }

    @Test func longSeriesFitTheTerminalAndGapsStayBlank() throws {
        var result = Self.storeMonths(stores: ["Zava Retail Seattle", "Zava Retail Bellevue"], months: 12 * 20)
        result.rows.removeAll { $0[1] == .text("Zava Retail Bellevue") && $0[0] == .date("2024-03-01") }
        for width in [40, 80, 200] {
            let lines = try ChartRenderer(width: width, unicode: true).render(result).split(separator: "\n")
            #expect(lines.count == 4)
            #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= width }, "\(width): \(lines)")
        }
        let gaps = try ChartRenderer(width: 300, unicode: true).render(Self.storeMonths(stores: ["Seattle", "Bellevue"]).removing {
            $0[1] == .text("Bellevue") && $0[0] == .date("2024-03-01")
        }).split(separator: "\n")
        #expect(gaps[2] == "Bellevue █▇ ▄▂▁  800.00 to 1800.00")
    }

    @Test func longFormatWithTextLabelsDrawsAGroupOfBarsPerSeries() throws {
        let result = QueryResult(
            columns: [Column(name: "store", typeOID: 25, typeName: "text"), Column(name: "category", typeOID: 25, typeName: "text"),
                      Column(name: "revenue", typeOID: 20, typeName: "bigint")],
            rows: [[.text("Seattle"), .text("PAINT"), .int(400)], [.text("Seattle"), .text("LUMBER"), .int(200)],
                   [.text("Tacoma"), .text("PAINT"), .int(100)], [.text("Tacoma"), .text("LUMBER"), .int(-100)]])
        let lines = try ChartRenderer(width: 40, unicode: false).render(result).split(separator: "\n").map(String.init)
        #expect(lines == [
            "revenue by store per category",
            "PAINT",
            "  Seattle " + String(repeating: " ", count: 5) + "|" + String(repeating: "#", count: 19) + "  400",
            "  Tacoma  " + String(repeating: " ", count: 5) + "|" + String(repeating: "#", count: 5) + String(repeating: " ", count: 14) + "  100",
            "LUMBER",
            "  Seattle " + String(repeating: " ", count: 5) + "|" + String(repeating: "#", count: 10) + String(repeating: " ", count: 9) + "  200",
            "  Tacoma  " + String(repeating: "#", count: 5) + "|" + String(repeating: " ", count: 19) + " -100",
        ])
    }

    @Test func tooManySeriesOrNoneAreSaidSo() throws {
        let many = Self.storeMonths(stores: (1...21).map { "store \($0)" })
        #expect(throws: ChartRenderer.ChartError(description:
            "too many series to draw: store has 21 values (at most 20); narrow the query, or chart one label: :chart <label> <value>")) {
            try ChartRenderer(width: 80, unicode: true).render(many)
        }
        // A second label that never repeats names each row: no series, so the columns must be named.
        let products = QueryResult(
            columns: [Column(name: "sku", typeOID: 25, typeName: "text"), Column(name: "product_name", typeOID: 25, typeName: "text"),
                      Column(name: "base_price", typeOID: 1700, typeName: "numeric")],
            rows: [[.text("HTHM001600"), .text("Claw Hammer"), .numeric("19.99")], [.text("HTHM001700"), .text("Mallet"), .numeric("9.99")]])
        #expect(throws: ChartRenderer.ChartError(description: "which columns? :chart <label> <value> (labels: sku, product_name; numbers: base_price)")) {
            try ChartRenderer(width: 80, unicode: true).render(products)
        }
    }
}

extension QueryResult {
    func removing(_ predicate: ([PGValue]) -> Bool) -> QueryResult {
        var result = self
        result.rows.removeAll(where: predicate)
        return result
    }
}
