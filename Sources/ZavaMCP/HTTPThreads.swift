import Foundation
import NIOCore

/// How many threads read and write the endpoint's HTTP: NIO's shared event loops, which
/// Hummingbird serves on. Requests are answered on the server's own threads and PostgreSQL
/// shares the cores, so fewer loops batch more work per wake-up: on two cores one loop costs
/// 10-15% less server CPU per call at 8 clients than two (BENCHMARKS.md).
public enum HTTPThreads {
    /// Half the cores, at least one.
    public static var recommended: Int { max(1, System.coreCount / 2) }

    /// Sets the count for this process: once, before anything has used NIO's shared loops (the
    /// executable does it first thing). Without `count`, `NIO_SINGLETON_GROUP_LOOP_COUNT` wins
    /// when set, else `recommended`.
    public static func configure(_ count: Int?) {
        if let count {
            NIOSingletons.groupLoopCountSuggestion = count
        } else if ProcessInfo.processInfo.environment["NIO_SINGLETON_GROUP_LOOP_COUNT"] == nil {
            NIOSingletons.groupLoopCountSuggestion = recommended
        }
    }
}
