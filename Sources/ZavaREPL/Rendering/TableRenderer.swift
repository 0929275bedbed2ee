import ZavaCore

/// psql's aligned format: centred headers, numbers right-aligned, `|` separators, row count.
struct TableRenderer {
    var style: RenderStyle

    func render(_ result: QueryResult) -> String {
        guard !result.columns.isEmpty else { return result.commandTag + "\n" }
        let cells = result.rows.map { row in row.map { $0.isNull ? style.null : $0.displayText } }
        // Multi-line values are shown line by line, as psql does.
        var widths = result.columns.map { DisplayWidth.of($0.name) }
        for row in cells {
            for (index, cell) in row.enumerated() {
                guard cell.utf8.contains(10) else {
                    widths[index] = max(widths[index], DisplayWidth.of(cell))
                    continue
                }
                for line in cell.split(separator: "\n", omittingEmptySubsequences: false) {
                    widths[index] = max(widths[index], DisplayWidth.of(String(line)))
                }
            }
        }
        var out = ""
        out.reserveCapacity(cells.count * (widths.reduce(0, +) + 3 * widths.count))
        out += result.columns.enumerated().map { index, column in
            style.header(centred(column.name, width: widths[index]))
        }.map { " \($0) " }.joined(separator: "|") + "\n"
        out += widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "\n"
        for (rowIndex, row) in cells.enumerated() {
            let lines = row.map { cell in
                cell.utf8.contains(10) ? cell.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) : [cell]
            }
            let height = lines.map(\.count).max() ?? 1
            for lineIndex in 0..<height {
                var fields: [String] = []
                for (index, cellLines) in lines.enumerated() {
                    let text = lineIndex < cellLines.count ? cellLines[lineIndex] : ""
                    let value = result.rows[rowIndex][index]
                    let isLast = index == lines.count - 1
                    if value.isNull {
                        fields.append(" " + style.nullText(width: isLast ? nil : widths[index]))
                    } else if isLast && !value.isNumeric {
                        fields.append(" " + text)
                    } else {
                        fields.append(" " + DisplayWidth.pad(text, to: widths[index], rightAligned: value.isNumeric) + " ")
                    }
                }
                var line = fields.joined(separator: "|")
                while line.hasSuffix(" ") { line.removeLast() }
                out += line + "\n"
            }
        }
        out += Footer.text(result) + "\n"
        return out
    }

    private func centred(_ text: String, width: Int) -> String {
        let space = max(0, width - DisplayWidth.of(text))
        let left = space / 2
        return String(repeating: " ", count: left) + text + String(repeating: " ", count: space - left)
    }
}

/// psql's `\x` format: one block per row, `column | value` lines.
struct ExpandedRenderer {
    var style: RenderStyle

    func render(_ result: QueryResult) -> String {
        guard !result.columns.isEmpty else { return result.commandTag + "\n" }
        guard !result.rows.isEmpty else { return "(0 rows)\n" }
        let nameWidth = result.columns.map { DisplayWidth.of($0.name) }.max() ?? 0
        var out = ""
        for (index, row) in result.rows.enumerated() {
            out += "-[ RECORD \(index + 1) ]" + String(repeating: "-", count: max(0, nameWidth - 10)) + "\n"
            for (column, value) in zip(result.columns, row) {
                let text = value.isNull ? style.nullText() : value.displayText
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                for (lineIndex, line) in lines.enumerated() {
                    let label = lineIndex == 0 ? column.name : ""
                    out += style.header(DisplayWidth.pad(label, to: nameWidth)) + " | " + line + "\n"
                }
            }
        }
        if result.truncated { out += Footer.text(result) + "\n" }
        return out
    }
}
