extension Duration {
    /// Whole milliseconds, rounded down (what `statement_timeout` and `poll` take).
    package var wholeMilliseconds: Int {
        let parts = components
        return Int(parts.seconds) * 1000 + Int(parts.attoseconds / 1_000_000_000_000_000)
    }

    /// Milliseconds with their fraction (for durations shown or recorded).
    package var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
