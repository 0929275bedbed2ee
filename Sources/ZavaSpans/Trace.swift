import Synchronization
import Tracing

/// The current trace and the one way zava's code makes spans. A recorder exists only when the
/// executable installed one (`bootstrap`, when `OTEL_*` asked for it); otherwise every check
/// below is one atomic load and no span is made.
///
/// The parent of a span is the task-local `current` span context (or one given explicitly),
/// not swift-distributed-tracing's `ServiceContext`: a context there is a dictionary of boxed
/// values, copied and grown for every child span.
public enum Trace {
    /// The recorder `bootstrap` installed, set once for the process's life and read with a load.
    private static let installed = AtomicLazyReference<InstalledRecorder>()
    /// Whether it is installed: the check made most, a plain load of a flag.
    private static let installedFlag = Atomic<Bool>(false)

    /// The span the current task runs in: the parent of the spans it starts.
    @TaskLocal public static var current: SpanContext?

    /// Installs `recorder` for this process (once: later calls are ignored).
    public static func bootstrap(_ recorder: some SpanRecorder) {
        _ = installed.storeIfNil(InstalledRecorder(recorder))
        installedFlag.store(true, ordering: .releasing)
    }

    /// Whether a recorder is installed.
    public static var isOn: Bool { installedFlag.load(ordering: .acquiring) }

    /// A new span the caller ends, a child of `parent` (the current span by default; a new
    /// trace when there is none). It is not made the current span: for a span whose children
    /// are given its context explicitly, or that has none.
    public static func start(_ name: String, ofKind kind: SpanKind, parent: SpanContext? = current,
                             at instant: DefaultTracerClock.Instant = DefaultTracerClock.now) -> ActiveSpan {
        start(name, ofKind: kind, parent: parent, at: instant, in: installed.load())
    }

    /// Runs `body` in a new span, a child of `parent` (the current span by default), which is
    /// the current span while `body` runs; the span ends with `body`, recording a thrown error.
    public static func withSpan<T>(_ name: String, ofKind kind: SpanKind, parent: SpanContext? = current,
                                   isolation: isolated (any Actor)? = #isolation,
                                   _ body: (inout ActiveSpan) async throws -> T) async rethrows -> T {
        try await withSpan(name, ofKind: kind, parent: parent, in: installed.load(), isolation: isolation, body)
    }

    /// `start` with the recorder given (nil: tracing is off), for the tests.
    static func start(_ name: String, ofKind kind: SpanKind, parent: SpanContext?, at instant: DefaultTracerClock.Instant,
                      in installed: InstalledRecorder?) -> ActiveSpan {
        guard let installed else {
            return ActiveSpan(RecordedSpan(context: parent ?? unrecorded, parentSpanID: nil, name: name, kind: kind,
                                           startNanoseconds: 0), recorder: nil)
        }
        let context = installed.recorder.newSpan(parent: parent)
        return ActiveSpan(RecordedSpan(context: context, parentSpanID: parent?.spanID, name: name, kind: kind,
                                       startNanoseconds: instant.nanosecondsSinceEpoch),
                          recorder: context.isSampled ? installed : nil)
    }

    /// `withSpan` with the recorder given (nil: tracing is off), for the tests.
    static func withSpan<T>(_ name: String, ofKind kind: SpanKind, parent: SpanContext?, in installed: InstalledRecorder?,
                            isolation: isolated (any Actor)?, _ body: (inout ActiveSpan) async throws -> T) async rethrows -> T {
        var span = start(name, ofKind: kind, parent: parent, at: DefaultTracerClock.now, in: installed)
        guard installed != nil else { return try await body(&span) }
        do {
            let value = try await $current.withValue(span.context) { try await body(&span) }
            span.end()
            return value
        } catch {
            span.recordError(error)
            span.end()
            throw error
        }
    }

    /// The `traceparent` of `context`, nil when tracing is off. Hex digits and dashes only, so
    /// it can be inlined into SQL.
    public static func traceparent(of context: SpanContext?) -> String? {
        guard isOn, let context else { return nil }
        return context.traceparent
    }

    /// The trace id inside a `traceparent`.
    public static func traceID(of traceparent: String) -> String {
        String(traceparent.dropFirst(3).prefix(32))
    }

    /// The caller's span context from a `traceparent` (and `tracestate`), or nil when there is
    /// none, it is malformed, or tracing is off.
    public static func continuing(traceparent: String?, tracestate: String? = nil) -> SpanContext? {
        guard isOn, let traceparent else { return nil }
        return SpanContext(traceparent: traceparent, tracestate: tracestate)
    }

    /// The ids of a span made with tracing off: none.
    private static let unrecorded = SpanContext(traceID: .null, spanID: .null, flags: [], state: .init())
}

/// The installed recorder, boxed for `AtomicLazyReference` and kept by each recorded span.
final class InstalledRecorder: Sendable {
    let recorder: any SpanRecorder

    init(_ recorder: some SpanRecorder) {
        self.recorder = recorder
    }
}
