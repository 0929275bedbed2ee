import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaREPL

/// Every text format read back gives the typed result it was made from.
@Suite struct FormatRoundTripTests {
    static let columns = [
        Column(name: "id", typeOID: 20, typeName: "bigint"), Column(name: "price", typeOID: 1700, typeName: "numeric"),
        Column(name: "active", typeOID: 16, typeName: "boolean"), Column(name: "note", typeOID: 25, typeName: "text"),
        Column(name: "day", typeOID: 1082, typeName: "date"), Column(name: "tags", typeOID: 1009, typeName: "text[]"),
    ]
    static let rows: [[PGValue]] = [
        [.int(1), .numeric("12345678901234567890.125"), .bool(true), .text("plain"), .date("2024-02-29"), .array([.text("a"), .text("b c")])],
        [.int(-2), .null, .bool(false), .text(""), .null, .array([])],
        [.int(3), .numeric("0.10"), .null, .text("comma, \"quote\"\ttab\\back\nnew line\r"), .date("1999-12-31"), .null],
        [.int(4), .numeric("7"), .bool(true), .text(" 東京 🔧 "), .date("2000-01-01"), .array([.null, .text("NULL")])],
    ]
    static let result = QueryResult(columns: columns, rows: rows)

    /// The text each cell must read back as (nil for NULL).
    static func expected(_ value: PGValue) -> String? { value.isNull ? nil : value.displayText }

    /// psql's LF line endings by default, RFC 4180's CRLF when asked: both read back exactly.
    @Test(arguments: [false, true])
    func csvReadsBackExactlyWithNullDistinctFromEmpty(crlf: Bool) {
        let text = OutputFormat.csv.render(Self.result, style: RenderStyle(crlf: crlf))
        #expect(text.hasPrefix("id,price,active,note,day,tags" + (crlf ? "\r\n" : "\n") + "1,"))
        #expect(text.components(separatedBy: "\r\n").count - 1 == (crlf ? Self.rows.count + 1 : 0))
        let parsed = RFC4180.parse(text)
        #expect(parsed.first?.map { $0 ?? "" } == Self.columns.map(\.name))
        #expect(parsed.count == Self.rows.count + 1)
        for (row, values) in zip(parsed.dropFirst(), Self.rows) {
            #expect(row == values.map(Self.expected))
        }
    }

    @Test func tsvReadsBackExactly() {
        let lines = OutputFormat.tsv.render(Self.result).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == Self.rows.count + 1)
        #expect(lines.first.map(String.init) == Self.columns.map(\.name).joined(separator: "\t"))
        for (line, values) in zip(lines.dropFirst(), Self.rows) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { field -> String? in
                field == "\\N" ? nil : Self.unescapeTSV(String(field))
            }
            #expect(fields == values.map(Self.expected))
        }
    }

    @Test func jsonReadsBackWithTypes() throws {
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(OutputFormat.json.render(Self.result).utf8)) as? [[String: Any]])
        #expect(decoded.count == Self.rows.count)
        #expect(decoded[0]["id"] as? Int == 1)
        #expect(decoded[1]["id"] as? Int == -2)
        #expect(decoded[0]["active"] as? Bool == true)
        #expect(decoded[1]["price"] is NSNull)
        #expect(decoded[1]["note"] as? String == "")
        #expect(decoded[2]["note"] as? String == "comma, \"quote\"\ttab\\back\nnew line\r")
        #expect(decoded[0]["day"] as? String == "2024-02-29")
        #expect(decoded[0]["tags"] as? [String] == ["a", "b c"])
        #expect(decoded[3]["note"] as? String == " 東京 🔧 ")
        // Numerics keep every digit: the JSON text carries them as written.
        #expect(OutputFormat.json.render(Self.result).contains("12345678901234567890.125"))
    }

    @Test func markdownIsAValidTable() {
        let lines = OutputFormat.markdown.render(Self.result).split(separator: "\n")
        #expect(lines.count == Self.rows.count + 2)
        // Each line has one cell per column: count the unescaped pipes.
        for line in lines {
            var pipes = 0, escaped = false
            for character in line {
                if character == "|" && !escaped { pipes += 1 }
                escaped = character == "\\" && !escaped
            }
            #expect(pipes == Self.columns.count + 1, "\(line)")
        }
        #expect(lines[1] == "| ---: | ---: | --- | --- | --- | --- |")
        #expect(!lines.contains { $0.contains("\n") })
    }

    @Test func autoSwitchesToExpandedOnlyWhenRowsAreWiderThanTheTerminal() {
        let wide = OutputFormat.auto.render(Self.result, width: 40)
        #expect(wide.hasPrefix("-[ RECORD 1 ]"))
        let narrow = OutputFormat.auto.render(Self.result, width: 200)
        #expect(narrow == OutputFormat.table.render(Self.result))
        // The line width `auto` compares is the table's own: it fits exactly that many columns.
        let lineWidth = OutputFormat.table.render(Self.result).split(separator: "\n")[0].count
        #expect(TableRenderer(style: .plain).render(Self.result, fitting: lineWidth) == OutputFormat.table.render(Self.result))
        #expect(TableRenderer(style: .plain).render(Self.result, fitting: lineWidth - 1) == nil)
    }

    @Test func expandedShowsNullsAndEveryLineOfAMultiLineValue() {
        let text = OutputFormat.expanded.render(Self.result, style: RenderStyle(null: "∅"))
        #expect(text.contains("-[ RECORD 2 ]"))
        #expect(text.contains("price  | ∅"))
        #expect(text.contains("note   | comma, \"quote\"\ttab\\back\n       | new line\r"))
    }

    static func unescapeTSV(_ field: String) -> String {
        var out = "", escaped = false
        for character in field {
            if escaped {
                switch character {
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "r": out.append("\r")
                default: out.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}

/// RFC 4180 with NULL (an unquoted empty field) told apart from the empty string ("").
enum RFC4180 {
    static func parse(_ text: String) -> [[String?]] {
        var rows: [[String?]] = [], row: [String?] = [], field = "", quoted = false, wasQuoted = false
        var chars = Array(text.unicodeScalars)[...]
        func endField() { row.append(field.isEmpty && !wasQuoted ? nil : field); field = ""; wasQuoted = false }
        while let char = chars.popFirst() {
            if quoted {
                if char == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.unicodeScalars.append(char) }
            } else if char == "\"" { quoted = true; wasQuoted = true
            } else if char == "," { endField()
            } else if char == "\r", chars.first == "\n" { chars.removeFirst(); endField(); rows.append(row); row = []
            } else if char == "\n" { endField(); rows.append(row); row = []
            } else { field.unicodeScalars.append(char) }
        }
        return rows
    }
}
