import Tracing

/// A span being recorded on the request path: a value its one task changes in place and ends
/// once. No lock, no object per span, no `ServiceContext` dictionary and no existential per
/// attribute: on a call of a fraction of a millisecond those cost more than the span's data.
/// An unsampled span (or any span with tracing off) keeps its ids, so its children and the
/// `traceparent` it passes on stay in the trace, and records nothing.
public struct ActiveSpan: Sendable {
    /// The span's ids: the parent of its children.
    public var context: SpanContext { recorded.context }
    private var recorded: RecordedSpan
    /// Where it goes when it ends; nil when it is not recorded.
    private let recorder: InstalledRecorder?

    init(_ recorded: RecordedSpan, recorder: InstalledRecorder?) {
        self.recorded = recorded
        self.recorder = recorder
    }

    /// Whether what is set on this span is kept.
    public var isRecording: Bool { recorder != nil }

    /// What has been set so far.
    public var attributes: [SpanField] { recorded.attributes }

    /// Makes room for `count` attributes at once, rather than growing as they are set.
    public mutating func reserveAttributes(_ count: Int) {
        guard isRecording else { return }
        recorded.attributes.reserveCapacity(count)
    }

    /// Sets attribute `key`, replacing an earlier value.
    public mutating func set(_ key: String, _ value: SpanValue) {
        guard isRecording else { return }
        recorded.attributes.set(key, value)
    }

    public mutating func setStatus(_ status: SpanStatus) {
        guard isRecording else { return }
        recorded.setStatus(status)
    }

    /// Records `error`'s type (never its message) and marks the span failed.
    public mutating func recordError(_ error: any Error) {
        guard isRecording else { return }
        recorded.recordError(error, at: DefaultTracerClock.now.nanosecondsSinceEpoch)
        recorded.setStatus(SpanStatus(code: .error))
    }

    /// Ends the span now (or at `instant`) and hands it to the recorder.
    public consuming func end(at instant: DefaultTracerClock.Instant = DefaultTracerClock.now) {
        guard let recorder else { return }
        recorded.endNanoseconds = instant.nanosecondsSinceEpoch
        recorder.recorder.record(recorded)
    }
}
