import Foundation
import ZavaCore
import ZavaPostgres

/// `:chart`: a result drawn in the terminal. Horizontal bars for a text label and a number
/// (from a zero axis, so negative values point left); for a date or time label, a sparkline
/// (one block character a point) with its axis and min/max. A long-format result (a label, a
/// series column and a number, e.g. month x store x revenue) gets one line or group of bars per
/// series. Block characters when the terminal is UTF-8, ASCII otherwise.
public struct ChartRenderer: Sendable {
    public struct ChartError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Columns available to the whole chart.
    public var width: Int
    public var unicode: Bool

    /// Most series drawn one line (or group) each: past it, lines stop being told apart.
    static let maxSeries = 20

    public init(width: Int, unicode: Bool) {
        self.width = max(30, width)
        self.unicode = unicode
    }

    public func render(_ result: QueryResult, label: String? = nil, value: String? = nil) throws -> String {
        let choice = try columns(of: result, label: label, value: value)
        var series: [Series] = []
        var seriesIndex: [String: Int] = [:]
        var skipped = 0
        for row in result.rows {
            guard let number = Self.number(row[choice.value]) else { skipped += 1; continue }
            let point = Point(label: Self.text(row[choice.label]), text: row[choice.value].displayText, value: number)
            let name = choice.series.map { Self.text(row[$0]) } ?? ""
            if let index = seriesIndex[name] {
                series[index].points.append(point)
            } else {
                seriesIndex[name] = series.count
                series.append(Series(name: name, points: [point]))
            }
        }
        guard !series.isEmpty else {
            throw ChartError(description: "nothing to chart: \(result.columns[choice.value].name) has no values in the last result")
        }
        let overTime = Self.isTime(result.columns[choice.label])
        var title = "\(result.columns[choice.value].name) by \(result.columns[choice.label].name)"
        var out: String
        if let seriesColumn = choice.series {
            let name = result.columns[seriesColumn].name
            guard series.count <= Self.maxSeries else {
                throw ChartError(description: "too many series to draw: \(name) has \(series.count) values (at most \(Self.maxSeries)); "
                    + "narrow the query, or chart one label: :chart <label> <value>")
            }
            title += " per \(name)"
            out = overTime ? sparklines(series, title: title) : groupedBars(series, title: title)
        } else {
            out = overTime ? sparkline(series[0].points, title: title) : bars(series[0].points, title: title)
        }
        if skipped > 0 { out += "(\(skipped) row\(skipped == 1 ? "" : "s") without a value left out)\n" }
        return out
    }

    private struct Point {
        var label: String
        var text: String
        var value: Double
    }

    /// The points of one value of the series column (all points when there is none), in result order.
    private struct Series {
        var name: String
        var points: [Point]
    }

    // MARK: - Choosing the columns

    /// The label (x axis) and value columns, and the series column of a long-format result.
    private struct Choice {
        var label: Int
        var value: Int
        var series: Int?
    }

    private func columns(of result: QueryResult, label: String?, value: String?) throws -> Choice {
        guard !result.columns.isEmpty else { throw ChartError(description: "nothing to chart: the last statement returned no columns") }
        guard !result.rows.isEmpty else { throw ChartError(description: "nothing to chart: the last result has no rows") }
        let names = result.columns.map(\.name)
        func index(_ name: String) throws -> Int {
            guard let index = names.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw ChartError(description: "no column \(name) in the last result (columns: \(names.joined(separator: ", ")))")
            }
            return index
        }
        if let label, let value {
            let valueIndex = try index(value)
            guard result.columns[valueIndex].isNumeric else {
                throw ChartError(description: "\(value) is not a number (\(result.columns[valueIndex].typeName)): chart a numeric column")
            }
            return Choice(label: try index(label), value: valueIndex)
        }
        let numeric = result.columns.indices.filter { result.columns[$0].isNumeric }
        let labels = result.columns.indices.filter { !result.columns[$0].isNumeric }
        if numeric.count == 1, labels.count == 1 { return Choice(label: labels[0], value: numeric[0]) }
        if numeric.count == 1, labels.count == 2 {
            // A date or time column is the x axis wherever it stands; otherwise the first label is.
            let (x, series) = !Self.isTime(result.columns[labels[0]]) && Self.isTime(result.columns[labels[1]])
                ? (labels[1], labels[0]) : (labels[0], labels[1])
            // A second label that never repeats (sku and product_name) names rows, not series.
            if Set(result.rows.map { Self.text($0[series]) }).count < result.rows.count {
                return Choice(label: x, value: numeric[0], series: series)
            }
        }
        let list = { (indices: [Int]) in indices.isEmpty ? "none" : indices.map { names[$0] }.joined(separator: ", ") }
        throw ChartError(description: "which columns? :chart <label> <value> (labels: \(list(labels)); numbers: \(list(numeric)))")
    }

    static func isTime(_ column: Column) -> Bool {
        column.typeName == "date" || column.typeName.hasPrefix("timestamp")
    }

    static func text(_ value: PGValue) -> String {
        value.isNull ? "NULL" : value.displayText
    }

    static func number(_ value: PGValue) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number.isFinite ? number : nil
        case .numeric(let text): Double(text.replacingOccurrences(of: "$", with: "").replacingOccurrences(of: ",", with: ""))
        default: nil
        }
    }

    // MARK: - Bars

    /// Widths shared by every bar of a chart, so bars and numbers line up and compare. The zero
    /// axis stands `negative` columns in: negative bars grow left of it, positive ones right.
    private struct BarLayout {
        var labelWidth: Int
        var valueWidth: Int
        var negative: Int
        var positive: Int
        /// The value range the bar columns cover, zero included.
        var span: Double
    }

    private func layout(_ points: [Point], indent: Int) -> BarLayout {
        let labelWidth = min(max(8, width / 3), points.map { DisplayWidth.of($0.label) }.max() ?? 0)
        let valueWidth = points.map { DisplayWidth.of($0.text) }.max() ?? 0
        let barWidth = min(60, max(10, width - indent - labelWidth - valueWidth - 3))
        let low = min(0, points.map(\.value).min() ?? 0), high = max(0, points.map(\.value).max() ?? 0)
        let span = high - low
        // Each side that has bars keeps at least one column.
        let negative = low < 0 ? min(barWidth - (high > 0 ? 1 : 0), max(1, Int((-low / span * Double(barWidth)).rounded()))) : 0
        return BarLayout(labelWidth: labelWidth, valueWidth: valueWidth, negative: negative, positive: barWidth - negative, span: span)
    }

    private func bars(_ points: [Point], title: String) -> String {
        let layout = layout(points, indent: 0)
        return title + "\n" + points.map { barRow($0, layout) + "\n" }.joined()
    }

    /// A long-format result with text labels: one group of bars per series, on one scale.
    private func groupedBars(_ series: [Series], title: String) -> String {
        let indent = "  "
        let layout = layout(series.flatMap(\.points), indent: indent.count)
        var out = title + "\n"
        for group in series {
            out += truncated(group.name, to: width) + "\n"
            out += group.points.map { indent + barRow($0, layout) + "\n" }.joined()
        }
        return out
    }

    private func barRow(_ point: Point, _ layout: BarLayout) -> String {
        let cells = layout.span == 0 ? 0 : abs(point.value) / layout.span * Double(layout.negative + layout.positive)
        let left = point.value < 0 ? leftBar(min(cells, Double(layout.negative))) : ""
        let right = point.value > 0 ? bar(min(cells, Double(layout.positive))) : ""
        return DisplayWidth.pad(truncated(point.label, to: layout.labelWidth), to: layout.labelWidth) + " "
            + DisplayWidth.pad(left, to: layout.negative, rightAligned: true) + (unicode ? "│" : "|")
            + DisplayWidth.pad(right, to: layout.positive) + " " + DisplayWidth.pad(point.text, to: layout.valueWidth, rightAligned: true)
    }

    /// A bar `cells` columns long, in eighths of a column when the terminal draws blocks.
    private func bar(_ cells: Double) -> String {
        guard unicode else { return String(repeating: "#", count: Int(cells.rounded())) }
        let eighths = Int((cells * 8).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        return String(repeating: "█", count: eighths / 8) + partial
    }

    /// A bar growing left from the axis: in halves, the finest block that fills from the right.
    private func leftBar(_ cells: Double) -> String {
        guard unicode else { return String(repeating: "#", count: Int(cells.rounded())) }
        let halves = Int((cells * 2).rounded())
        return (halves % 2 == 1 ? "▐" : "") + String(repeating: "█", count: halves / 2)
    }

    private func truncated(_ text: String, to width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        var out = ""
        for character in text {
            if DisplayWidth.of(out + String(character)) > width - 1 { break }
            out.append(character)
        }
        return out + (unicode ? "…" : "~")
    }

    // MARK: - Sparkline

    private func sparkline(_ points: [Point], title: String) -> String {
        let columns = min(points.count, width)
        // More points than columns: each column shows the mean of its share of the points.
        let values = (0..<columns).map { column -> Double? in
            let range = (column * points.count / columns)..<((column + 1) * points.count / columns)
            return points[range].map(\.value).reduce(0, +) / Double(range.count)
        }
        let minimum = points.min { $0.value < $1.value }, maximum = points.max { $0.value < $1.value }
        var out = "\(title) (\(points.count) point\(points.count == 1 ? "" : "s")\(columns < points.count ? ", \(points.count / columns)+ a column" : ""))\n"
        out += line(values) + "\n" + axis(points[0].label, points[points.count - 1].label, single: points.count == 1, columns: columns) + "\n"
        if let minimum, let maximum {
            out += "min \(minimum.text) (\(minimum.label))   max \(maximum.text) (\(maximum.label))\n"
        }
        return out
    }

    /// A long-format result over time: one sparkline per series on a shared time axis, each
    /// scaled to its own range (printed after it), so small series keep their shape.
    private func sparklines(_ series: [Series], title: String) -> String {
        // Date and time labels are ISO text, which sorts in time order.
        let times = Set(series.flatMap { $0.points.map(\.label) }).sorted()
        let nameWidth = min(max(8, width / 4), series.map { DisplayWidth.of($0.name) }.max() ?? 0)
        let ranges = series.map { group -> String in
            let minimum = group.points.min { $0.value < $1.value }, maximum = group.points.max { $0.value < $1.value }
            return "\(minimum?.text ?? "") to \(maximum?.text ?? "")"
        }
        let rangeWidth = ranges.map { DisplayWidth.of($0) }.max() ?? 0
        // The ranges go when they would leave the lines fewer than 12 columns.
        let withRanges = width - nameWidth - 3 - rangeWidth >= min(times.count, 12)
        let columns = max(1, min(times.count, width - nameWidth - 1 - (withRanges ? rangeWidth + 2 : 0)))
        // The column of each time, as the single sparkline shares points out: column c holds the
        // times c * n / columns ..< (c + 1) * n / columns.
        let column = Dictionary(uniqueKeysWithValues: times.enumerated().map { ($1, (($0 + 1) * columns - 1) / times.count) })
        let heading = "\(title) (\(times.count) point\(times.count == 1 ? "" : "s"), \(series.count) series"
            + "\(columns < times.count ? ", \(times.count / columns)+ a column" : ""), each on its own scale)"
        var out = truncated(heading, to: width) + "\n"
        for (group, range) in zip(series, ranges) {
            var sums = [Double](repeating: 0, count: columns), counts = [Int](repeating: 0, count: columns)
            for point in group.points {
                guard let index = column[point.label] else { continue }
                sums[index] += point.value
                counts[index] += 1
            }
            // A column without a point of this series stays blank.
            let values = zip(sums, counts).map { $1 == 0 ? nil : $0 / Double($1) }
            out += DisplayWidth.pad(truncated(group.name, to: nameWidth), to: nameWidth) + " " + line(values)
                + (withRanges ? "  " + range : "") + "\n"
        }
        out += String(repeating: " ", count: nameWidth + 1)
            + axis(times[0], times[times.count - 1], single: times.count == 1, columns: columns) + "\n"
        return out
    }

    /// One character a column, from the lowest level at the smallest value to the highest at the largest.
    private func line(_ values: [Double?]) -> String {
        let levels = unicode ? Array("▁▂▃▄▅▆▇█") : Array("_.-=+*#@")
        let present = values.compactMap { $0 }
        let low = present.min() ?? 0, high = present.max() ?? 0
        return String(values.map { value -> Character in
            guard let value else { return " " }
            return high == low ? levels[levels.count / 2] : levels[Int(((value - low) / (high - low) * Double(levels.count - 1)).rounded())]
        })
    }

    /// The first and last label under a line `columns` wide.
    private func axis(_ first: String, _ last: String, single: Bool, columns: Int) -> String {
        let gap = columns - DisplayWidth.of(first) - DisplayWidth.of(last)
        return single ? first : gap >= 1
            ? first + String(repeating: " ", count: gap) + last
            : first + (unicode ? " … " : " ... ") + last
    }
}
