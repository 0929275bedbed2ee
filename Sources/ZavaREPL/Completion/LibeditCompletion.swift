import CEditLine
import Foundation

/// Connects `SQLCompleter` to libedit's Tab key. libedit calls back into C without a
/// context argument, so the state is handed over through the shim's one context slot;
/// only the input thread reads it, and only while the REPL waits for that thread.
final class LibeditCompletion: @unchecked Sendable {
    var completer: SQLCompleter
    /// The earlier lines of a statement being typed over several lines.
    var pendingStatement = ""
    private let wordBreaks = strdup(SQLCompleter.wordBreakCharacters)

    init(completer: SQLCompleter) {
        self.completer = completer
    }

    deinit { free(wordBreaks) }

    /// Makes this the completion libedit uses (before the first readline call).
    func install() {
        zava_completion_context().pointee = Unmanaged.passUnretained(self).toOpaque()
        zava_set_basic_word_break_characters(wordBreaks)
        zava_set_completion_function(completeEntry)
    }

    /// The candidates libedit shows: readline's convention, a malloc'ed NULL-terminated list
    /// whose first entry replaces the word (the candidates' common prefix).
    fileprivate func matches(word: String, lineBefore: String, lineAfter: String) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        let before = pendingStatement.isEmpty ? lineBefore : pendingStatement + "\n" + lineBefore
        switch completer.complete(before: before, after: lineAfter) {
        case .files:
            zava_set_attempted_completion_over(0)
            return nil
        case .candidates(let candidates):
            zava_set_attempted_completion_over(1)
            guard !candidates.isEmpty else { return nil }
            let single = candidates.count == 1
            zava_set_completion_append_character(single && !(candidates[0].hasSuffix(".") || candidates[0].hasSuffix("(")) ? 32 : 0)
            let list = malloc((candidates.count + 2) * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride)
                .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: candidates.count + 2)
            list[0] = strdup(single ? candidates[0] : Self.commonPrefix(candidates, atLeast: word))
            if single {
                list[1] = nil
            } else {
                for (index, candidate) in candidates.enumerated() { list[index + 1] = strdup(candidate) }
                list[candidates.count + 1] = nil
            }
            return list
        }
    }

    /// The longest prefix all candidates share (case-insensitively), or the typed word.
    static func commonPrefix(_ candidates: [String], atLeast word: String) -> String {
        guard var prefix = candidates.first.map(Array.init) else { return word }
        for candidate in candidates.dropFirst() {
            let characters = Array(candidate)
            var length = 0
            while length < min(prefix.count, characters.count),
                  prefix[length].lowercased() == characters[length].lowercased() { length += 1 }
            prefix = Array(prefix[..<length])
        }
        return prefix.count >= word.count ? String(prefix) : word
    }
}

/// libedit's entry point: `text` is the word, `end` the cursor (in characters).
private func completeEntry(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    guard let context = zava_completion_context().pointee, let text, let buffer = zava_line_buffer() else { return nil }
    let completion = Unmanaged<LibeditCompletion>.fromOpaque(context).takeUnretainedValue()
    let line = Array(String(cString: buffer).unicodeScalars)
    let cursor = min(max(0, Int(end)), line.count)
    var before = String.UnicodeScalarView(), after = String.UnicodeScalarView()
    before.append(contentsOf: line[..<cursor])
    after.append(contentsOf: line[cursor...])
    return completion.matches(word: String(cString: text), lineBefore: String(before), lineAfter: String(after))
}
