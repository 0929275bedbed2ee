import Foundation

/// The `BertNormalizer` step of the reference tokenizer: clean text, isolate CJK ideographs,
/// strip accents (NFD, then drop non-spacing marks) and lowercase, in that order.
///
/// Works on Unicode scalars rather than `Character`s because the reference operates on Rust
/// `char`s (scalars); grapheme clustering would merge e.g. a letter and its combining accent.
struct BertNormalizer: Sendable {
    var cleanText = true
    var handleChineseCharacters = true
    var stripAccents = true
    var lowercase = true

    func normalize(_ text: Substring) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count + 8)
        var sawNonASCII = false
        for scalar in text.unicodeScalars {
            if cleanText {
                if scalar.value == 0 || scalar.value == 0xFFFD || BertCharacterClasses.isControl(scalar) {
                    continue
                }
                if BertCharacterClasses.isWhitespace(scalar) {
                    scalars.append(" ")
                    continue
                }
            }
            if handleChineseCharacters && BertCharacterClasses.isChineseCharacter(scalar) {
                scalars.append(" ")
                scalars.append(scalar)
                scalars.append(" ")
                continue
            }
            if !scalar.isASCII { sawNonASCII = true }
            scalars.append(scalar)
        }
        // NFD of pure ASCII is the identity, so the (comparatively slow) Foundation
        // decomposition only runs for text that can contain accents.
        if stripAccents && sawNonASCII {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            let decomposed = String(view).decomposedStringWithCanonicalMapping
            scalars.removeAll(keepingCapacity: true)
            for scalar in decomposed.unicodeScalars where !BertCharacterClasses.isNonspacingMark(scalar) {
                scalars.append(scalar)
            }
        }
        if lowercase {
            var lowered: [Unicode.Scalar] = []
            lowered.reserveCapacity(scalars.count)
            for scalar in scalars {
                if scalar.isASCII {
                    let v = scalar.value
                    lowered.append((0x41...0x5A).contains(v) ? Unicode.Scalar(UInt8(v + 0x20)) : scalar)
                } else {
                    // Per-scalar full lowercase mapping, like Rust's `char::to_lowercase`
                    // (no context-dependent final-sigma rule, exactly as in the reference).
                    lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                }
            }
            scalars = lowered
        }
        return scalars
    }
}
