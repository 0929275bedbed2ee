import CEditLine
import Foundation

/// libedit's line editing and history, and Ctrl-C as a flag rather than a kill.
final class LineEditor {
    enum Input {
        case line(String)
        case interrupted
        case endOfInput
    }

    private let historyFile: URL?
    private let historySize: Int

    init(historyFile: URL?, historySize: Int = 2_000) {
        self.historyFile = historyFile
        self.historySize = historySize
        // Before libedit initialises (using_history does): it reads these once.
        zava_use_environment_locale()
        zava_set_catch_signals(0)
        zava_use_interruptible_getc()
        zava_install_sigint_handler()
        using_history()
        zava_set_history_length(Int32(historySize))
        if let historyFile {
            try? FileManager.default.createDirectory(at: historyFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = read_history(historyFile.path)
            zava_history_compact()
        }
    }

    /// Blocks the calling thread until a line, Ctrl-C or Ctrl-D (call it off the cooperative pool).
    func readLine(prompt: String) -> Input {
        _ = zava_take_sigint()
        zava_begin_reading()
        let line = readline(prompt)
        zava_end_reading()
        guard let raw = line else {
            return zava_take_sigint() != 0 ? .interrupted : .endOfInput
        }
        defer { free(raw) }
        if zava_take_sigint() != 0 { return .interrupted }
        return .line(String(cString: raw))
    }

    /// Ctrl-C, readable from the task that watches a running query.
    var interrupts: InterruptFlag { InterruptFlag() }

    /// Adds an entry (a whole multi-line statement is one), dropping any earlier copy of it
    /// so the history holds each statement once, at its latest use. The entry is appended to
    /// the file rather than the file rewritten, so two REPLs open at once both keep theirs.
    func remember(_ entry: String) {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        if let last = zava_last_history_line(), String(cString: last) == trimmed { return }
        zava_history_add_unique(trimmed)
        guard let historyFile else { return }
        if FileManager.default.fileExists(atPath: historyFile.path) {
            _ = append_history(1, historyFile.path)
            _ = history_truncate_file(historyFile.path, Int32(max(historySize, 1) * 2))
        } else {
            _ = write_history(historyFile.path)
        }
    }
}

/// True once per Ctrl-C press.
struct InterruptFlag: Sendable {
    func take() -> Bool { zava_take_sigint() != 0 }
}
