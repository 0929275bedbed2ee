import CEditLine
import Foundation
import ZavaCore

/// Long results go through `$PAGER` (default `less -SRXF`), and only when they do not fit.
struct Pager {
    var command: String
    var enabled: Bool

    init(enabled: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.enabled = enabled
        command = environment["PAGER"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } ?? "less -SRXF"
    }

    /// Whether `text` is taller than the screen (less a line for the prompt) or wider than it.
    static func needsPaging(_ text: String, terminal: TerminalInfo) -> Bool {
        var lines = 0
        for byte in text.utf8 where byte == 10 {
            lines += 1
            if lines >= terminal.rows { return true }
        }
        return text.split(separator: "\n").contains { DisplayWidth.ofVisible($0) > terminal.columns }
    }

    /// Shows `text` through the pager; false when it was not used (the caller prints instead).
    func page(_ text: String, terminal: TerminalInfo) -> Bool {
        guard enabled, Self.needsPaging(text, terminal: terminal) else { return false }
        guard let status = Self.run(command, input: Array(text.utf8)) else { return false }
        _ = zava_take_sigint() // Ctrl-C in the pager was the pager's
        // 126/127: the shell could not run the pager, so nothing was shown.
        return status != 126 && status != 127
    }

    /// Runs `sh -c command` in zava's own process group (the terminal's foreground, so the
    /// pager may read keys and set terminal modes) with `input` on its standard input.
    private static func run(_ command: String, input: [UInt8]) -> Int32? {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], 0)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        var attributes = SpawnAttributes()
        defer { attributes.destroy() }
        let words: [String] = ["/bin/sh", "-c", command]
        let arguments = words.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes.value, arguments, environ)
        close(pipeEnds[0])
        guard spawned == 0 else {
            close(pipeEnds[1])
            return nil
        }
        // A reader that quits early (q in less) closes the pipe: EPIPE ends the writing.
        var written = 0
        while written < input.count {
            let count = input[written...].withUnsafeBytes { write(pipeEnds[1], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            written += count
        }
        close(pipeEnds[1])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
