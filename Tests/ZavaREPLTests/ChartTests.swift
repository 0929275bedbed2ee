import Foundation
import Testing
@testable import ZavaCore
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
}
