import Synchronization

/// Lines collected from several threads (a test server's log lines, a callback's calls), to
/// check what was written and what never was.
package final class LogSink: Sendable {
    private let lines = Mutex<[String]>([])

    package init() {}

    package func append(_ line: String) { lines.withLock { $0.append(line) } }
    package var all: [String] { lines.withLock { $0 } }
}
