/// Character classes used by the BERT normalizer and pre-tokenizer, matching the reference
/// HuggingFace `tokenizers` implementation (Rust) character for character.
///
/// The reference uses two sources of Unicode data:
/// - Rust's `char::is_whitespace` and `to_lowercase` (current Unicode): mirrored with Swift's
///   own scalar properties.
/// - The `unicode_categories` crate for "other" (control/format/private use), punctuation and
///   non-spacing marks. That crate carries **Unicode 8.0** tables (verified against tokenizers
///   0.23: U+2E42 and U+1DA87 (<= 8.0) are punctuation, U+2E43 (9.0) is not; U+08E3 (8.0) is a
///   stripped mark, U+1E944 (9.0) is not). Swift knows newer Unicode, so these three tests only
///   trust the general category of scalars that existed in Unicode 8.0. Unassigned scalars are
///   never "other" in the reference either (U+0378 becomes [UNK], it is not removed).
enum BertCharacterClasses {
    /// Whether the reference's category tables know this scalar (introduced in Unicode <= 8.0).
    @inline(__always)
    static func inUnicode8(_ scalar: Unicode.Scalar) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return age.major < 8 || (age.major == 8 && age.minor == 0)
    }

    /// Tab, newline and carriage return count as whitespace, as does any White_Space scalar.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20: return true
        case 0..<0x80: return scalar.value == 0x0B || scalar.value == 0x0C
        default: return scalar.properties.isWhitespace
        }
    }

    /// Cc, Cf and Co (Unicode 8.0), except tab/newline/carriage return, which are whitespace.
    @inline(__always)
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0..<0x20, 0x7F: return true
        case 0x20..<0x7F: return false
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .privateUse, .surrogate: return inUnicode8(scalar)
            default: return false
            }
        }
    }

    /// Rust's `char::is_ascii_punctuation` or a Unicode 8.0 punctuation category (Pc Pd Ps Pe Pi Pf Po).
    /// Note that ASCII symbols such as `$ + < = > ^ \` | ~` count, but non-ASCII symbols (emoji, ©) do not.
    @inline(__always)
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 {
            return (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v)
                || (0x5B...0x60).contains(v) || (0x7B...0x7E).contains(v)
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return inUnicode8(scalar)
        default:
            return false
        }
    }

    /// Mn (Unicode 8.0): the marks removed by accent stripping after NFD.
    @inline(__always)
    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.value >= 0x300 else { return false }
        return scalar.properties.generalCategory == .nonspacingMark && inUnicode8(scalar)
    }

    /// The CJK ideograph blocks that BERT isolates as single-character words (the same fixed
    /// ranges as the reference; Hiragana, Katakana and Hangul are deliberately not included).
    @inline(__always)
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
