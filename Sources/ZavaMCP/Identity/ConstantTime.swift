/// Comparisons whose running time does not depend on where two secrets differ.
enum ConstantTime {
    /// Looks at every byte of the longer input and never stops early, so timing tells a
    /// guesser nothing about how much of a token was right.
    static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt64(truncatingIfNeeded: lhs.count ^ rhs.count)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= UInt64(left ^ right)
        }
        return difference == 0
    }
}
