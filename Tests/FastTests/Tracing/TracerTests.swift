import Foundation
import Logging
import Testing
import Tracing
import W3CTraceContext
import OTLPTrace
@testable import ZavaSpans
@testable import ZavaTracing
import ZavaTesting

/// zava's tracer without a server: the `OTEL_*` settings it reads, sampling, parent links and
/// W3C propagation, what a span keeps (zava's own through `Trace`, and a library's through the
/// `Tracer` adapter), the OTLP encoding read back with the generated types, and the exporter
/// against a stand-in collector.
@Suite struct TracerTests {
    typealias ExportRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest

    static let caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    func tracer(_ sampler: Sampler = .alwaysOn, capacity: Int = 64, batch: Int = 64) -> (OTLPTracer, SpanBuffer) {
        let buffer = SpanBuffer(capacity: capacity, batchSize: batch)
        return (OTLPTracer(sampler: sampler, ids: SpanIDGenerator(), buffer: buffer), buffer)
    }

    func extracted(_ tracer: OTLPTracer, traceparent: String, tracestate: String? = nil) -> ServiceContext {
        var carrier = ["traceparent": traceparent]
        if let tracestate { carrier["tracestate"] = tracestate }
        var context = ServiceContext.topLevel
        tracer.extract(carrier, into: &context, using: DictionaryExtractor())
        return context
    }

    func injected(_ tracer: OTLPTracer, _ context: ServiceContext) -> [String: String] {
        var carrier: [String: String] = [:]
        tracer.inject(context, into: &carrier, using: DictionaryInjector())
        return carrier
    }

    @Test func theStandardVariablesAndTheirDefaults() throws {
        let defaults = try TracingConfiguration(environment: [:])
        #expect(defaults.endpoint.absoluteString == "http://localhost:4318/v1/traces")
        #expect(defaults.sampler == .parentBased(root: .alwaysOn))
        #expect(defaults.scheduleDelay == .seconds(5) && defaults.timeout == .seconds(10))
        #expect(defaults.maxQueueSize == 2_048 && defaults.maxExportBatchSize == 512)
        #expect(defaults.resource["service.name"] == "zava")

        let set = try TracingConfiguration(environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector.example:4318/",
            "OTEL_EXPORTER_OTLP_HEADERS": "api-key=a%20b,x-tenant=1",
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "x-tenant=2",
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25",
            "OTEL_BSP_SCHEDULE_DELAY": "100", "OTEL_BSP_MAX_QUEUE_SIZE": "100", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "500",
            "OTEL_SERVICE_NAME": "zava-seattle", "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test,service.name=ignored",
        ])
        #expect(set.endpoint.absoluteString == "https://collector.example:4318/v1/traces")
        #expect(set.headers == ["api-key": "a b", "x-tenant": "2"])
        #expect(set.sampler == .parentBased(root: .traceIDRatio(0.25)))
        #expect(set.scheduleDelay == .milliseconds(100))
        #expect(set.maxExportBatchSize == 100, "a batch is never larger than the queue")
        #expect(set.resource["service.name"] == "zava-seattle" && set.resource["deployment.environment"] == "test")
        let direct = try TracingConfiguration(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:1",
                                                            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://b:2/custom"])
        #expect(direct.endpoint.absoluteString == "http://b:2/custom", "the signal's own endpoint is used as given")
    }

    @Test(arguments: [
        (["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"], "OTEL_EXPORTER_OTLP_PROTOCOL"),
        (["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"], "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"),
        (["OTEL_TRACES_EXPORTER": "zipkin"], "OTEL_TRACES_EXPORTER"),
        (["OTEL_TRACES_SAMPLER": "jaeger_remote"], "OTEL_TRACES_SAMPLER"),
        (["OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1.5"], "OTEL_TRACES_SAMPLER_ARG"),
        (["OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"], "OTEL_EXPORTER_OTLP_ENDPOINT"),
        (["OTEL_BSP_SCHEDULE_DELAY": "soon"], "OTEL_BSP_SCHEDULE_DELAY"),
        (["OTEL_BSP_MAX_QUEUE_SIZE": "0"], "OTEL_BSP_MAX_QUEUE_SIZE"),
    ])
    func aValueThatCannotBeUsedIsNamed(_ environment: [String: String], _ key: String) {
        #expect {
            try TracingConfiguration(environment: environment)
        } throws: { error in
            (error as? TracingConfigurationError)?.key == key
        }
    }

    @Test func aMalformedHeaderIsReportedWithoutRepeatingIt() {
        #expect {
            try TracingConfiguration(environment: ["OTEL_EXPORTER_OTLP_HEADERS": "Authorization: Bearer s3cret"])
        } throws: { error in
            "\(error)".contains("OTEL_EXPORTER_OTLP_HEADERS") && !"\(error)".contains("s3cret")
        }
    }

    @Test func samplingFollowsTheParentAndTheRatio() {
        let generator = SpanIDGenerator()
        let ids = (0..<10_000).map { _ in generator.traceID() }
        #expect(Set(ids.map { "\($0)" }).count == ids.count && Set((0..<10_000).map { _ in "\(generator.spanID())" }).count == 10_000)
        let quarter = ids.filter { Sampler.traceIDRatio(0.25).samples($0, parent: nil) }.count
        #expect((2_200...2_800).contains(quarter))
        #expect(ids.allSatisfy { !Sampler.traceIDRatio(0).samples($0, parent: nil) })
        #expect(ids.allSatisfy { Sampler.traceIDRatio(1).samples($0, parent: nil) })
        let sampledParent = try? TraceContext(traceParentHeaderValue: Self.caller)
        let unsampledParent = try? TraceContext(traceParentHeaderValue: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
        #expect(Sampler.parentBased(root: .alwaysOff).samples(ids[0], parent: sampledParent))
        #expect(!Sampler.parentBased(root: .alwaysOn).samples(ids[0], parent: unsampledParent))
        #expect(!Sampler.parentBased(root: .alwaysOff).samples(ids[0], parent: nil))
    }

    @Test func aSpanContinuesTheCallersTraceAndPropagatesItsOwnID() throws {
        let (tracer, buffer) = tracer()
        let parent = extracted(tracer, traceparent: Self.caller, tracestate: "vendor=value")
        let server = tracer.startSpan("POST /mcp", context: parent, ofKind: .server, at: DefaultTracerClock.now,
                                      function: #function, file: #fileID, line: #line)
        let child = tracer.startSpan("SELECT", context: server.context, ofKind: .client, at: DefaultTracerClock.now,
                                     function: #function, file: #fileID, line: #line)
        let outgoing = injected(tracer, child.context)
        let serverID = try #require(server.context.spanContext?.spanID)
        let childID = try #require(child.context.spanContext?.spanID)
        #expect(outgoing["traceparent"] == "00-4bf92f3577b34da6a3ce929d0e0e4736-\(childID)-01")
        #expect(outgoing["tracestate"] == "vendor=value")
        child.end()
        server.end()
        let spans = buffer.take().spans
        #expect(spans.map(\.name) == ["SELECT", "POST /mcp"])
        #expect(spans.allSatisfy { "\($0.context.traceID)" == "4bf92f3577b34da6a3ce929d0e0e4736" })
        #expect(spans[0].parentSpanID == serverID && "\(spans[1].parentSpanID.map { "\($0)" } ?? "")" == "00f067aa0ba902b7")
        #expect(serverID != childID)

        // A root span starts a new trace; a malformed traceparent is one; a malformed
        // tracestate is dropped without the trace.
        let root = tracer.startSpan("root", context: .topLevel, ofKind: .internal, at: DefaultTracerClock.now,
                                    function: #function, file: #fileID, line: #line)
        #expect(root.context.spanContext.map { "\($0.traceID)" } != "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(extracted(tracer, traceparent: "00-zzz-00f067aa0ba902b7-01").spanContext == nil)
        #expect(extracted(tracer, traceparent: Self.caller, tracestate: "not a state ===").spanContext.map { "\($0.traceID)" }
            == "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    @Test func anUnsampledSpanRecordsNothingButKeepsTheTraceGoing() {
        let (tracer, buffer) = tracer(.parentBased(root: .alwaysOn))
        let parent = extracted(tracer, traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
        let span = tracer.startSpan("POST /mcp", context: parent, ofKind: .server, at: DefaultTracerClock.now,
                                    function: #function, file: #fileID, line: #line)
        span.attributes["zava.identity"] = "seattle"
        #expect(!span.isRecording && span.attributes.isEmpty)
        #expect(injected(tracer, span.context)["traceparent"]?.hasSuffix("-00") == true)
        span.end()
        #expect(buffer.take().spans.isEmpty)
    }

    @Test func aSpanKeepsWhatWasRecordedBeforeItsEndOnceAndNeverAnErrorsMessage() throws {
        let (tracer, buffer) = tracer()
        let span = tracer.startSpan("SELECT retail.orders", context: .topLevel, ofKind: .client, at: DefaultTracerClock.now,
                                    function: #function, file: #fileID, line: #line)
        span.attributes["db.system.name"] = "postgresql"
        span.attributes["db.response.returned_rows"] = 3
        span.recordError(TestError(message: "invalid input syntax for type integer: \"4242\""))
        span.setStatus(SpanStatus(code: .error))
        span.end()
        span.attributes["late"] = "ignored"
        span.end()
        let spans = buffer.take().spans
        #expect(spans.count == 1)
        let finished = try #require(spans.first)
        #expect(finished.attributes["db.system.name"] == .string("postgresql") && finished.attributes["late"] == nil)
        #expect(finished.events.map(\.name) == ["exception"] && finished.status?.code == .error)
        #expect(!"\(finished.events)".contains("4242"))
        #expect(finished.endNanoseconds >= finished.startNanoseconds)
    }

    /// zava's own spans, as MCPEndpoint and Session make them: the request's span passes its
    /// context on explicitly, the method's and the statement's are the current span while they
    /// run, so a statement's span is the method's child with no argument.
    @Test func nestedSpansAreParentAndChildAndTheCurrentSpanIsRestored() async throws {
        let (tracer, buffer) = tracer()
        let installed = InstalledRecorder(tracer)
        let caller = try SpanContext(traceParentHeaderValue: Self.caller)
        var request = Trace.start("POST /mcp", ofKind: .server, parent: caller, at: DefaultTracerClock.now, in: installed)
        request.reserveAttributes(2)
        request.set("http.request.method", "POST")
        request.set("http.response.status_code", 500)
        request.set("http.response.status_code", 200)
        let requestContext = request.context
        let statementParent = await Trace.withSpan("tools/call", ofKind: .server, parent: requestContext, in: installed,
                                                   isolation: nil) { method in
            method.set("zava.identity", "seattle")
            #expect(Trace.current?.spanID == method.context.spanID)
            return await Trace.withSpan("SELECT retail.orders", ofKind: .client, parent: Trace.current, in: installed,
                                        isolation: nil) { statement in
                statement.set("db.response.returned_rows", 1)
                #expect(statement.context.traceparent.hasSuffix("-01"))
                return Trace.current?.spanID
            }
        }
        #expect(Trace.current == nil, "the current span is the caller's again")
        request.end()
        let spans = buffer.take().spans
        #expect(spans.map(\.name) == ["SELECT retail.orders", "tools/call", "POST /mcp"])
        #expect(spans.allSatisfy { "\($0.context.traceID)" == "4bf92f3577b34da6a3ce929d0e0e4736" && $0.status == nil })
        #expect(spans[0].parentSpanID == spans[1].context.spanID && spans[1].parentSpanID == spans[2].context.spanID)
        #expect(spans[0].context.spanID == statementParent)
        #expect(spans[2].parentSpanID == caller.spanID)
        #expect(spans[2].attributes == [SpanField("http.request.method", "POST"), SpanField("http.response.status_code", 200)])
        #expect(spans[1].attributes["zava.identity"] == "seattle" && spans[0].attributes["db.response.returned_rows"] == 1)
        #expect(spans.allSatisfy { $0.endNanoseconds >= $0.startNanoseconds && $0.startNanoseconds > 1_700_000_000 * 1_000_000_000 })
    }

    @Test func aThrownErrorEndsTheSpanWithItsTypeOnlyAndAnUnsampledSpanRecordsNothing() async throws {
        let (tracer, buffer) = tracer(.parentBased(root: .alwaysOn))
        let installed = InstalledRecorder(tracer)
        await #expect(throws: TestError.self) {
            try await Trace.withSpan("SELECT", ofKind: .client, parent: nil, in: installed, isolation: nil) { span in
                span.set("db.system.name", "postgresql")
                throw TestError(message: "invalid input syntax for type integer: \"4242\"")
            }
        }
        let failed = try #require(buffer.take().spans.first)
        #expect(failed.status?.code == .error && failed.events.map(\.name) == ["exception"])
        #expect(failed.events.first?.attributes["exception.type"] == .string(String(reflecting: TestError.self)))
        #expect(!"\(failed)".contains("4242"))

        let unsampled = try SpanContext(traceParentHeaderValue: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
        let child = await Trace.withSpan("tools/call", ofKind: .server, parent: unsampled, in: installed, isolation: nil) { span in
            span.set("zava.identity", "seattle")
            #expect(!span.isRecording && span.attributes.isEmpty)
            return span.context
        }
        #expect(child.traceID == unsampled.traceID && child.spanID != unsampled.spanID && !child.isSampled)
        #expect(buffer.take().spans.isEmpty)

        // Tracing off: the body runs with a span that records nothing, and no current span is set.
        let off = await Trace.withSpan("SELECT", ofKind: .client, parent: nil, in: nil, isolation: nil) { span in
            span.set("db.system.name", "postgresql")
            return (span.isRecording, Trace.current)
        }
        #expect(off.0 == false && off.1 == nil)
    }

    @Test func theQueueIsBoundedAndAFullBatchAsksForAnExport() async {
        let (tracer, buffer) = tracer(capacity: 3, batch: 2)
        var ticks = buffer.ticks.makeAsyncIterator()
        for number in 0..<5 {
            tracer.startSpan("span \(number)", context: .topLevel, ofKind: .internal, at: DefaultTracerClock.now,
                             function: #function, file: #fileID, line: #line).end()
        }
        // Finished, the stream gives the tick it holds, or nil when there was none.
        buffer.finish()
        #expect(await ticks.next() != nil, "the second span filled a batch")
        let (spans, dropped) = buffer.take()
        #expect(spans.count == 3 && dropped == 2)
        #expect(buffer.take().dropped == 0)
    }

    @Test func theEncodingReadsBackAsOTLP() throws {
        let (tracer, buffer) = tracer()
        let parent = extracted(tracer, traceparent: Self.caller)
        let span = tracer.startSpan("tools/call execute_sales_query", context: parent, ofKind: .server, at: DefaultTracerClock.now,
                                    function: #function, file: #fileID, line: #line)
        span.attributes["mcp.method.name"] = "tools/call"
        span.attributes["http.response.status_code"] = 200
        span.attributes["zava.cached"] = true
        span.attributes["zava.ratio"] = 0.5
        span.attributes["zava.names"] = ["a", "b"]
        span.setStatus(SpanStatus(code: .error, message: "tool error"))
        span.end()
        let bytes = OTLPSpanEncoding(resource: ["service.name": "zava"]).body(buffer.take().spans)
        let request = try ExportRequest(serializedBytes: bytes)
        #expect(request.resourceSpans.count == 1 && request.resourceSpans.first?.scopeSpans.count == 1)
        let resourceSpans = try #require(request.resourceSpans.first)
        #expect(resourceSpans.resource.attributes.first { $0.key == "service.name" }?.value.stringValue == "zava")
        let encoded = try #require(resourceSpans.scopeSpans.first?.spans.first)
        #expect(resourceSpans.scopeSpans.first?.scope.name == "zava")
        #expect(encoded.name == "tools/call execute_sales_query" && encoded.kind == .server)
        #expect(encoded.traceID.map { String(format: "%02x", $0) }.joined() == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(encoded.parentSpanID.map { String(format: "%02x", $0) }.joined() == "00f067aa0ba902b7")
        #expect(encoded.spanID.count == 8 && encoded.flags == 1)
        func attribute(_ key: String) -> Opentelemetry_Proto_Common_V1_AnyValue? { encoded.attributes.first { $0.key == key }?.value }
        #expect(attribute("mcp.method.name")?.stringValue == "tools/call")
        #expect(attribute("http.response.status_code")?.intValue == 200)
        #expect(attribute("zava.cached")?.boolValue == true)
        #expect(attribute("zava.ratio")?.doubleValue == 0.5)
        #expect(attribute("zava.names")?.arrayValue.values.map(\.stringValue) == ["a", "b"])
        #expect(encoded.status.code == .error && encoded.status.message == "tool error")
        #expect(encoded.endTimeUnixNano >= encoded.startTimeUnixNano && encoded.startTimeUnixNano > 1_700_000_000 * 1_000_000_000)
    }

    /// The hand-written writer against the generated reader on what a short test above does
    /// not reach: zero values of a `oneof` (present, not dropped), negative numbers, lengths of
    /// more than one varint byte at every level, events, links, the trace state and flags.
    @Test func theEncodingKeepsEveryFieldAtEverySize() throws {
        let (tracer, buffer) = tracer(capacity: 512, batch: 512)
        let parent = extracted(tracer, traceparent: Self.caller, tracestate: "vendor=value")
        let long = String(repeating: "x", count: 300)
        for number in 0..<200 {
            let span = tracer.startSpan("span \(number)", context: parent, ofKind: .client, at: DefaultTracerClock.now,
                                        function: #function, file: #fileID, line: #line)
            span.attributes["zero"] = 0
            span.attributes["negative"] = -42
            span.attributes["no"] = false
            span.attributes["empty"] = ""
            span.attributes["nothing"] = 0.0
            span.attributes["long"] = long
            span.recordError(CancellationError())
            span.addLink(SpanLink(context: parent, attributes: ["why": "caller"]))
            span.end()
        }
        let request = try ExportRequest(serializedBytes: OTLPSpanEncoding(resource: ["service.name": "zava", "host.name": "h"])
            .body(buffer.take().spans))
        let resourceSpans = try #require(request.resourceSpans.first)
        #expect(Set(resourceSpans.resource.attributes.map(\.key)) == ["service.name", "host.name"])
        let spans = try #require(resourceSpans.scopeSpans.first?.spans)
        #expect(spans.map(\.name) == (0..<200).map { "span \($0)" })
        for encoded in spans {
            func attribute(_ key: String) -> Opentelemetry_Proto_Common_V1_AnyValue? { encoded.attributes.first { $0.key == key }?.value }
            #expect(attribute("zero")?.value == .intValue(0))
            #expect(attribute("negative")?.value == .intValue(-42))
            #expect(attribute("no")?.value == .boolValue(false))
            #expect(attribute("empty")?.value == .stringValue(""))
            #expect(attribute("nothing")?.value == .doubleValue(0))
            #expect(attribute("long")?.stringValue == long)
            #expect(encoded.kind == .client && encoded.traceState == "vendor=value" && encoded.flags == 1)
            #expect(encoded.events.map(\.name) == ["exception"])
            #expect(encoded.events.first?.attributes.first { $0.key == "exception.type" }?.value.stringValue == "Swift.CancellationError")
            #expect(encoded.links.count == 1 && encoded.links.first?.spanID.map { String(format: "%02x", $0) }.joined() == "00f067aa0ba902b7")
            #expect(encoded.links.first?.attributes.first?.value.stringValue == "caller")
        }
    }

    /// zava writes `traceparent` itself; it must be exactly W3CTraceContext's.
    @Test func theTraceparentIsTheW3CHeaderValue() {
        let ids = SpanIDGenerator()
        for flags in [TraceFlags(), .sampled, TraceFlags(rawValue: 0xff)] {
            for _ in 0..<100 {
                let context = W3CTraceContext.TraceContext(traceID: ids.traceID(), spanID: ids.spanID(), flags: flags, state: TraceState())
                #expect(context.traceparent == context.traceParentHeaderValue)
            }
        }
    }

    @Test func theBackendExportsInBatchesWithTheHeadersAndFlushesAtShutdown() async throws {
        let collector = try await StandInCollector.start()
        defer { Task { await collector.stop() } }
        let configuration = try TracingConfiguration(environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint, "OTEL_EXPORTER_OTLP_HEADERS": "api-key=secret",
            "OTEL_BSP_SCHEDULE_DELAY": "60000", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "4",
        ])
        let backend = TracingBackend(configuration: configuration, logger: Logger(label: "test"))
        let running = Task { await backend.run() }
        for number in 0..<10 {
            backend.tracer.startSpan("span \(number)", context: .topLevel, ofKind: .internal, at: DefaultTracerClock.now,
                                     function: #function, file: #fileID, line: #line).end()
        }
        // Two full batches go at once, long before the minute's schedule; the rest at shutdown.
        #expect(await eventually(within: .seconds(10)) { collector.exports.count >= 2 })
        backend.shutdown()
        await running.value
        let exports = collector.exports
        #expect(exports.allSatisfy { $0.path == "/v1/traces" && $0.headers["api-key"] == "secret"
                && $0.headers["content-type"] == "application/x-protobuf" })
        let names = try exports.flatMap { try ExportRequest(serializedBytes: $0.body).resourceSpans.flatMap(\.scopeSpans).flatMap(\.spans).map(\.name) }
        #expect(names.sorted() == (0..<10).map { "span \($0)" }.sorted())
        #expect(exports.allSatisfy { (try? ExportRequest(serializedBytes: $0.body))?.resourceSpans.first?.scopeSpans.first?.spans.count ?? 99 <= 4 })
    }

    @Test func aCollectorThatFailsLosesItsBatchButNotTheNextOne() async throws {
        let collector = try await StandInCollector.start()
        defer { Task { await collector.stop() } }
        collector.answer(503)
        let configuration = try TracingConfiguration(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
                                                                   "OTEL_BSP_SCHEDULE_DELAY": "50"])
        let sink = LogSink()
        let backend = TracingBackend(configuration: configuration, logger: Logger(label: "test") { CapturingLogHandler(label: $0, sink: sink) })
        let running = Task { await backend.run() }
        backend.tracer.startSpan("lost", context: .topLevel, ofKind: .internal, at: DefaultTracerClock.now,
                                 function: #function, file: #fileID, line: #line).end()
        #expect(await eventually(within: .seconds(10)) { collector.exports.count == 1 })
        collector.answer(200)
        backend.tracer.startSpan("kept", context: .topLevel, ofKind: .internal, at: DefaultTracerClock.now,
                                 function: #function, file: #fileID, line: #line).end()
        #expect(await eventually(within: .seconds(10)) { collector.exports.count == 2 })
        backend.shutdown()
        await running.value
        #expect(sink.all.contains { $0.contains("trace export failed") })
    }
}

private struct TestError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

private struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

private struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}
