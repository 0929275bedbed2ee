import W3CTraceContext

/// Which traces are recorded: `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`.
public enum Sampler: Sendable, Equatable {
    case alwaysOn
    case alwaysOff
    /// This fraction of root traces, decided from the trace id so every service agrees.
    case traceIDRatio(Double)
    /// A span with a parent follows its parent's decision; a root span asks `root`.
    indirect case parentBased(root: Sampler)

    /// The specification's names; unset means `parentbased_always_on`.
    init(name: String?, argument: String?) throws {
        func ratio() throws -> Double {
            guard let argument else { return 1 }
            guard let value = Double(argument), (0...1).contains(value) else {
                throw TracingConfigurationError(key: "OTEL_TRACES_SAMPLER_ARG", value: argument, expected: "a ratio from 0 to 1")
            }
            return value
        }
        switch name?.lowercased() ?? "parentbased_always_on" {
        case "always_on": self = .alwaysOn
        case "always_off": self = .alwaysOff
        case "traceidratio": self = .traceIDRatio(try ratio())
        case "parentbased_always_on": self = .parentBased(root: .alwaysOn)
        case "parentbased_always_off": self = .parentBased(root: .alwaysOff)
        case "parentbased_traceidratio": self = .parentBased(root: .traceIDRatio(try ratio()))
        case let other:
            throw TracingConfigurationError(key: "OTEL_TRACES_SAMPLER", value: other, expected: """
                always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or parentbased_traceidratio
                """)
        }
    }

    /// Whether a span of `traceID` under `parent` (nil for a root span) is recorded and exported.
    func samples(_ traceID: TraceID, parent: TraceContext?) -> Bool {
        switch self {
        case .alwaysOn: true
        case .alwaysOff: false
        case .traceIDRatio(let ratio):
            // The id's last 8 bytes as a number, against the ratio of the whole range.
            ratio >= 1 || Double(Self.lowHalf(of: traceID)) < ratio * 18_446_744_073_709_551_616.0
        case .parentBased(let root):
            parent.map { $0.flags.contains(.sampled) } ?? root.samples(traceID, parent: nil)
        }
    }

    /// The last 8 bytes of `traceID`, big-endian.
    private static func lowHalf(of traceID: TraceID) -> UInt64 {
        let b = traceID.bytes
        return [b.8, b.9, b.10, b.11, b.12, b.13, b.14, b.15].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
