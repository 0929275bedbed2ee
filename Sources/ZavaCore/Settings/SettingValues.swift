/// The raw `KEY=value` pairs while `Settings` reads them: an empty value counts as unset, and a
/// value that does not fit is an error naming the key.
struct SettingValues {
    private let values: [String: String]

    init(_ values: [String: String]) { self.values = values }

    func string(_ key: String) -> String? {
        values[key].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Values separated by commas or white space; unset or blank is an empty list.
    func list(_ key: String) -> [String] {
        (string(key) ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
    }

    func integer(_ key: String, _ fallback: Int, range: ClosedRange<Int>) throws -> Int {
        try optionalInteger(key, range: range) ?? fallback
    }

    func optionalInteger(_ key: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(key: key, value: text, expected: "a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func number(_ key: String, _ fallback: Double, range: ClosedRange<Double>) throws -> Double {
        guard let text = string(key) else { return fallback }
        guard let value = Double(text), range.contains(value) else {
            throw ConfigurationError(key: key, value: text, expected: "a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}
