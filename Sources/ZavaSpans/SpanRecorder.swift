/// Where spans come from and go: the tracer the executable installs (`Trace.bootstrap`) gives
/// each new span its ids and sampling decision, and takes it back for export when it ends.
public protocol SpanRecorder: Sendable {
    /// The ids of a new span under `parent` (a new trace when nil), with its sampled flag set
    /// when it is to be recorded.
    func newSpan(parent: SpanContext?) -> SpanContext

    /// Takes an ended, sampled span; it must not wait for the export.
    func record(_ span: consuming RecordedSpan)
}
