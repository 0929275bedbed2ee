import Foundation
import ZavaCore

/// `:chart`: a result drawn in the terminal. Horizontal bars for a text label and a number;
/// for a date or time label, a sparkline (one block character a point) with its axis and
/// min/max. Block characters when the terminal is UTF-8, ASCII otherwise.
public struct ChartRenderer: Sendable {
    public struct ChartError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Columns available to the whole chart.
    public var width: Int
    public var unicode: Bool

    public init(width: Int, unicode: Bool) {
        self.width = max(30, width)
        self.unicode = unicode
    }

    public func render(_ result: QueryResult, label: String? = nil, value: String? = nil) throws -> String {
        let (labelIndex, valueIndex) = try columns(of: result, label: label, value: value)
        var points: [(label: String, text: String, value: Double)] = []
        var skipped = 0
        for row in result.rows {
            guard let number = Self.number(row[valueIndex]) else { skipped += 1; continue }
            let label = row[labelIndex].isNull ? "NULL" : row[labelIndex].displayText
            points.append((label, row[valueIndex].displayText, number))
        }
        guard !points.isEmpty else {
            throw ChartError(description: "nothing to chart: \(result.columns[valueIndex].name) has no values in the last result")
        }
        let title = "\(result.columns[valueIndex].name) by \(result.columns[labelIndex].name)"
        var out = Self.isTime(result.columns[labelIndex]) ? sparkline(points, title: title) : bars(points, title: title)
        if skipped > 0 { out += "(\(skipped) row\(skipped == 1 ? "" : "s") without a value left out)\n" }
        return out
    }

    // MARK: - Choosing the columns

    private func columns(of result: QueryResult, label: String?, value: String?) throws -> (label: Int, value: Int) {
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
            return (try index(label), valueIndex)
        }
        let numeric = result.columns.indices.filter { result.columns[$0].isNumeric }
        let labels = result.columns.indices.filter { !result.columns[$0].isNumeric }
        guard numeric.count == 1, labels.count == 1 else {
            let list = { (indices: [Int]) in indices.isEmpty ? "none" : indices.map { names[$0] }.joined(separator: ", ") }
            throw ChartError(description: "which columns? :chart <label> <value> (labels: \(list(labels)); numbers: \(list(numeric)))")
        }
        return (labels[0], numeric[0])
    }

    static func isTime(_ column: Column) -> Bool {
        column.typeName == "date" || column.typeName.hasPrefix("timestamp")
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

    private func bars(_ points: [(label: String, text: String, value: Double)], title: String) -> String {
        let labelWidth = min(max(8, width / 3), points.map { DisplayWidth.of($0.label) }.max() ?? 0)
        let valueWidth = points.map { DisplayWidth.of($0.text) }.max() ?? 0
        let barWidth = min(60, max(10, width - labelWidth - valueWidth - 3))
        let largest = points.map { abs($0.value) }.max() ?? 0
        var out = title + "\n"
        for point in points {
            let cells = largest == 0 ? 0 : abs(point.value) / largest * Double(barWidth)
            let bar = self.bar(cells)
            out += DisplayWidth.pad(truncated(point.label, to: labelWidth), to: labelWidth) + (unicode ? " │" : " |")
                + DisplayWidth.pad(bar, to: barWidth) + " " + DisplayWidth.pad(point.text, to: valueWidth, rightAligned: true) + "\n"
        }
        return out
    }

    /// A bar `cells` columns long, in eighths of a column when the terminal draws blocks.
    private func bar(_ cells: Double) -> String {
        guard unicode else { return String(repeating: "#", count: Int(cells.rounded())) }
        let eighths = Int((cells * 8).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        return String(repeating: "█", count: eighths / 8) + partial
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

    private func sparkline(_ points: [(label: String, text: String, value: Double)], title: String) -> String {
        let levels = unicode ? Array("▁▂▃▄▅▆▇█") : Array("_.-=+*#@")
        let columns = min(points.count, width)
        // More points than columns: each column shows the mean of its share of the points.
        let values = (0..<columns).map { column -> Double in
            let range = (column * points.count / columns)..<((column + 1) * points.count / columns)
            return points[range].map(\.value).reduce(0, +) / Double(range.count)
        }
        let low = values.min() ?? 0, high = values.max() ?? 0
        let line = String(values.map { value -> Character in
            high == low ? levels[levels.count / 2] : levels[Int(((value - low) / (high - low) * Double(levels.count - 1)).rounded())]
        })
        let first = points[0].label, last = points[points.count - 1].label
        let gap = columns - DisplayWidth.of(first) - DisplayWidth.of(last)
        let axis = points.count == 1 ? first : gap >= 1
            ? first + String(repeating: " ", count: gap) + last
            : first + (unicode ? " … " : " ... ") + last
        let minimum = points.min { $0.value < $1.value }, maximum = points.max { $0.value < $1.value }
        var out = "\(title) (\(points.count) point\(points.count == 1 ? "" : "s")\(columns < points.count ? ", \(points.count / columns)+ a column" : ""))\n"
        out += line + "\n" + axis + "\n"
        if let minimum, let maximum {
            out += "min \(minimum.text) (\(minimum.label))   max \(maximum.text) (\(maximum.label))\n"
        }
        return out
    }
}
