import Foundation

/// BERT uncased tokenizer producing the same ids as the reference HuggingFace tokenizer
/// (`tokenizer.json` of all-MiniLM-L6-v2): added-token matching on raw text, `BertNormalizer`,
/// `BertPreTokenizer`, greedy longest-match WordPiece with `##` continuations, [UNK] for
/// words longer than `max_input_chars_per_word`, `[CLS] … [SEP]`, and truncation to
/// `truncation.max_length` tokens in total.
///
/// Matching the reference exactly matters because the model was trained on those ids; a
/// different split of the same text gives a (slightly) different vector, and stored vectors
/// made by the Python stack would no longer be comparable.
public struct WordPieceTokenizer: Sendable {
    private let configuration: TokenizerConfiguration
    /// Word-initial pieces keyed by their exact scalars. Not `String` keys: Swift compares
    /// strings by canonical equivalence, so a decomposed lookup (after NFD) could match a
    /// precomposed vocabulary entry that the byte-comparing reference would not match.
    private let initialPieces: [[Unicode.Scalar]: Int32]
    /// Entries that start with the continuation prefix ("##"), keyed without it, so the hot
    /// loop looks up slices directly instead of building "##" + piece.
    private let continuationPieces: [[Unicode.Scalar]: Int32]
    private let unknownID: Int32
    private let preTokenizer = BertPreTokenizer()

    /// Maximum number of tokens per sequence, [CLS] and [SEP] included.
    public var maxLength: Int { configuration.maxLength }
    public var vocabularySize: Int { configuration.vocabulary.count }

    /// Loads `tokenizer.json` (HuggingFace format).
    public init(tokenizerFile url: URL) throws {
        let configuration = try TokenizerConfiguration(contentsOf: url)
        self.configuration = configuration
        // Scalar-wise prefix test: `String.hasPrefix`/`dropFirst` work on grapheme clusters,
        // and "##" followed by a spacing mark (e.g. "##ि") is one cluster "#" + "#ि".
        let prefix = Array(configuration.continuingSubwordPrefix.unicodeScalars)
        var initial: [[Unicode.Scalar]: Int32] = [:]
        var continuation: [[Unicode.Scalar]: Int32] = [:]
        initial.reserveCapacity(configuration.vocabulary.count)
        for (token, id) in configuration.vocabulary {
            let scalars = Array(token.unicodeScalars)
            initial[scalars] = id
            if scalars.count > prefix.count, scalars.starts(with: prefix) {
                continuation[Array(scalars[prefix.count...])] = id
            }
        }
        initialPieces = initial
        continuationPieces = continuation
        // Checked by TokenizerConfiguration; `?? 0` only satisfies the type checker.
        unknownID = configuration.vocabulary[configuration.unknownToken] ?? 0
    }

    /// Token ids for one text: `[CLS] pieces… [SEP]`, truncated to `maxLength` in total.
    public func encode(_ text: String) -> [Int32] {
        let budget = configuration.maxLength - 2
        var ids: [Int32] = [configuration.classifierToken]
        ids.reserveCapacity(min(budget, text.utf8.count) + 2)
        var pieceIDs: [Int32] = []
        forEachSegment(of: text) { segment in
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let substring):
                let normalized = configuration.normalizer.normalize(substring)
                preTokenizer.forEachWord(in: normalized) { word in
                    pieceIDs.removeAll(keepingCapacity: true)
                    wordPieces(of: word, into: &pieceIDs)
                    ids.append(contentsOf: pieceIDs)
                    return ids.count - 1 < budget
                }
            }
            return ids.count - 1 < budget
        }
        if ids.count - 1 > budget { ids.removeLast(ids.count - 1 - budget) }
        ids.append(configuration.separatorToken)
        return ids
    }

    private enum Segment {
        case special(Int32)
        case text(Substring)
    }

    /// Splits raw text around added tokens such as "[MASK]" (matched before normalization,
    /// exactly as the reference does for tokens whose `normalized` flag is false).
    private func forEachSegment(of text: String, _ body: (Segment) -> Bool) {
        let special = configuration.specialTokens
        guard !special.isEmpty else {
            _ = body(.text(text[...]))
            return
        }
        var segmentStart = text.startIndex
        var index = text.startIndex
        let utf8 = text.utf8
        while index < text.endIndex {
            var matched: (id: Int32, end: String.Index)?
            // Cheap first-byte pre-filter (all of this model's added tokens start with "[").
            for token in special where token.content.utf8.first == utf8[index] {
                if utf8[index...].starts(with: token.content.utf8) {
                    matched = (token.id, utf8.index(index, offsetBy: token.content.utf8.count))
                    break
                }
            }
            if let match = matched {
                if segmentStart < index, !body(.text(text[segmentStart..<index])) { return }
                if !body(.special(match.id)) { return }
                index = match.end
                segmentStart = index
            } else {
                index = text.unicodeScalars.index(after: index)
            }
        }
        if segmentStart < text.endIndex { _ = body(.text(text[segmentStart...])) }
    }

    /// Greedy longest-match-first WordPiece for one pre-tokenized word; the whole word
    /// becomes [UNK] if it is too long or any remainder has no vocabulary entry.
    private func wordPieces(of word: ArraySlice<Unicode.Scalar>, into output: inout [Int32]) {
        guard word.count <= configuration.maxInputCharactersPerWord else {
            output.append(unknownID)
            return
        }
        var start = word.startIndex
        while start < word.endIndex {
            var end = word.endIndex
            var found: Int32?
            while start < end {
                let piece = Array(word[start..<end])
                found = start == word.startIndex ? initialPieces[piece] : continuationPieces[piece]
                if found != nil { break }
                end -= 1
            }
            guard let id = found else {
                output.removeAll(keepingCapacity: true)
                output.append(unknownID)
                return
            }
            output.append(id)
            start = end
        }
    }
}
