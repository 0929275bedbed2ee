import Foundation

/// The parts of a HuggingFace `tokenizer.json` that a BERT WordPiece tokenizer needs.
///
/// Read from the file (rather than hard-coded) so that the truncation length, special tokens
/// and normalizer flags always match the reference tokenizer shipped with the model, and so
/// that an unexpected tokenizer type fails loudly instead of producing subtly wrong ids.
struct TokenizerConfiguration: Sendable {
    var vocabulary: [String: Int32]
    var unknownToken: String
    var continuingSubwordPrefix: String
    var maxInputCharactersPerWord: Int
    /// Total tokens per sequence including [CLS] and [SEP] (tokenizer.json `truncation.max_length`).
    var maxLength: Int
    var normalizer: BertNormalizer
    /// Added tokens matched verbatim in the raw input (their `normalized` flag is false).
    var specialTokens: [(content: String, id: Int32)]
    var classifierToken: Int32
    var separatorToken: Int32

    init(contentsOf url: URL) throws {
        let data = try readModelFile(url)
        let root: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw MiniLMError.invalidTokenizer("top level is not an object")
            }
            root = object
        } catch let error as MiniLMError {
            throw error
        } catch {
            throw MiniLMError.invalidTokenizer("not valid JSON: \(error)")
        }

        guard let model = root["model"] as? [String: Any], model["type"] as? String == "WordPiece" else {
            throw MiniLMError.invalidTokenizer("model.type is not WordPiece")
        }
        guard let rawVocabulary = model["vocab"] as? [String: Any] else {
            throw MiniLMError.invalidTokenizer("model.vocab missing")
        }
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(rawVocabulary.count)
        for (token, value) in rawVocabulary {
            guard let id = (value as? NSNumber)?.int32Value else {
                throw MiniLMError.invalidTokenizer("vocab entry \(token) has no integer id")
            }
            vocabulary[token] = id
        }
        // Ids must be exactly 0..<count: catches gaps, duplicates, and entries merged while
        // parsing (Swift dictionaries treat canonically equivalent strings as one key).
        var seen = [Bool](repeating: false, count: rawVocabulary.count)
        for id in vocabulary.values {
            guard id >= 0, Int(id) < seen.count, !seen[Int(id)] else {
                throw MiniLMError.invalidTokenizer("vocabulary ids are not exactly 0..<\(rawVocabulary.count)")
            }
            seen[Int(id)] = true
        }
        guard vocabulary.count == rawVocabulary.count else {
            throw MiniLMError.invalidTokenizer("vocabulary has canonically equivalent duplicate entries")
        }
        self.vocabulary = vocabulary
        unknownToken = model["unk_token"] as? String ?? "[UNK]"
        continuingSubwordPrefix = model["continuing_subword_prefix"] as? String ?? "##"
        maxInputCharactersPerWord = (model["max_input_chars_per_word"] as? NSNumber)?.intValue ?? 100

        guard let normalizerObject = root["normalizer"] as? [String: Any],
              normalizerObject["type"] as? String == "BertNormalizer" else {
            throw MiniLMError.invalidTokenizer("normalizer.type is not BertNormalizer")
        }
        let lowercase = normalizerObject["lowercase"] as? Bool ?? true
        normalizer = BertNormalizer(
            cleanText: normalizerObject["clean_text"] as? Bool ?? true,
            handleChineseCharacters: normalizerObject["handle_chinese_chars"] as? Bool ?? true,
            // `strip_accents: null` means "follow lowercase", as in the reference.
            stripAccents: normalizerObject["strip_accents"] as? Bool ?? lowercase,
            lowercase: lowercase
        )
        guard let preTokenizer = root["pre_tokenizer"] as? [String: Any],
              preTokenizer["type"] as? String == "BertPreTokenizer" else {
            throw MiniLMError.invalidTokenizer("pre_tokenizer.type is not BertPreTokenizer")
        }

        if let truncation = root["truncation"] as? [String: Any],
           let length = (truncation["max_length"] as? NSNumber)?.intValue {
            maxLength = length
        } else {
            maxLength = 512
        }
        guard maxLength >= 2 else {
            throw MiniLMError.invalidTokenizer("truncation.max_length \(maxLength) leaves no room for [CLS]/[SEP]")
        }

        var specialTokens: [(content: String, id: Int32)] = []
        for entry in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let content = entry["content"] as? String, !content.isEmpty,
                  let id = (entry["id"] as? NSNumber)?.int32Value else {
                throw MiniLMError.invalidTokenizer("added_tokens entry without content/id")
            }
            let normalized = entry["normalized"] as? Bool ?? false
            let lstrip = entry["lstrip"] as? Bool ?? false
            let rstrip = entry["rstrip"] as? Bool ?? false
            let singleWord = entry["single_word"] as? Bool ?? false
            guard !normalized, !lstrip, !rstrip, !singleWord else {
                throw MiniLMError.invalidTokenizer("added token \(content) uses unsupported matching options")
            }
            specialTokens.append((content, id))
        }
        // Longest first, so that overlapping tokens resolve to the longest match at a position.
        self.specialTokens = specialTokens.sorted { $0.content.utf8.count > $1.content.utf8.count }

        guard let cls = vocabulary["[CLS]"], let sep = vocabulary["[SEP]"] else {
            throw MiniLMError.invalidTokenizer("vocabulary lacks [CLS] or [SEP]")
        }
        guard vocabulary[unknownToken] != nil else {
            throw MiniLMError.invalidTokenizer("vocabulary lacks the unknown token \(unknownToken)")
        }
        classifierToken = cls
        separatorToken = sep
    }
}
