/// The `BertPreTokenizer` step: split on whitespace (dropped) and punctuation (kept as
/// single-character words).
struct BertPreTokenizer: Sendable {
    /// Splits normalized scalars into words, calling `body` for each word in order.
    /// `body` returns false to stop early (used once enough tokens exist for truncation),
    /// so a 10,000-character input costs no more than the part that survives truncation.
    func forEachWord(in scalars: [Unicode.Scalar], _ body: (ArraySlice<Unicode.Scalar>) -> Bool) {
        var start = 0
        var index = 0
        let count = scalars.count
        while index < count {
            let scalar = scalars[index]
            if BertCharacterClasses.isWhitespace(scalar) {
                if start < index, !body(scalars[start..<index]) { return }
                start = index + 1
            } else if BertCharacterClasses.isPunctuation(scalar) {
                if start < index, !body(scalars[start..<index]) { return }
                if !body(scalars[index...index]) { return }
                start = index + 1
            }
            index += 1
        }
        if start < count { _ = body(scalars[start..<count]) }
    }
}
