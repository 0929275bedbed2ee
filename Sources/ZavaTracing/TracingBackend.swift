import AsyncHTTPClient
import Logging
import NIOCore
import NIOPosix

/// Tracing for one process: the tracer to install, and the task that exports its spans over
/// OTLP/HTTP (protobuf) every `scheduleDelay`, or as soon as a batch is full, and once more at
/// shutdown.
///
/// zava has its own tracer rather than swift-otel's because swift-otel 1.6 hands every span's
/// start and end to another task through an `AsyncStream` (thread wake-ups per span) and asks
/// the kernel for every id (BENCHMARKS.md, "Observability"). The export format is the same:
/// the OTLP protobuf.
public final class TracingBackend: Sendable {
    public let tracer: OTLPTracer
    private let configuration: TracingConfiguration
    private let buffer: SpanBuffer
    private let encoding: OTLPSpanEncoding
    private let logger: Logger

    public init(configuration: TracingConfiguration, logger: Logger) {
        self.configuration = configuration
        encoding = OTLPSpanEncoding(resource: configuration.resource)
        self.logger = logger
        buffer = SpanBuffer(capacity: configuration.maxQueueSize, batchSize: configuration.maxExportBatchSize)
        tracer = OTLPTracer(sampler: configuration.sampler, ids: SpanIDGenerator(), buffer: buffer)
    }

    /// Exports until `shutdown`, then exports what is left.
    ///
    /// The export has an HTTP client and an event loop thread of its own: on NIO's shared loops
    /// its requests would wait in line with the server's (one loop on two cores), and a client
    /// made after the tracer is installed would trace its own export requests.
    public func run() async {
        var untraced = HTTPClient.Configuration()
        untraced.tracing.tracer = nil
        do {
            try await MultiThreadedEventLoopGroup.withEventLoopGroup(numberOfThreads: 1) { loop in
                try await HTTPClient.withHTTPClient(eventLoopGroup: loop, configuration: untraced) { client in
                    await export(with: client)
                }
            }
        } catch {
            logger.warning("trace exporter stopped", metadata: ["error": "\(error)"])
        }
    }

    private func export(with client: HTTPClient) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [buffer, configuration] in
                while (try? await Task.sleep(for: configuration.scheduleDelay)) != nil { buffer.tick() }
            }
            // Whether the last export failed: a collector that is down is reported once.
            var failing = false
            for await _ in buffer.ticks { await exportQueued(with: client, &failing) }
            group.cancelAll()
            await exportQueued(with: client, &failing)
        }
    }

    /// Stops `run` after one last export.
    public func shutdown() {
        buffer.finish()
    }

    private func exportQueued(with client: HTTPClient, _ failing: inout Bool) async {
        let (spans, dropped) = buffer.take()
        if dropped > 0 {
            logger.warning("trace spans dropped: the export queue was full", metadata: ["dropped": "\(dropped)",
                                                                                        "OTEL_BSP_MAX_QUEUE_SIZE": "\(configuration.maxQueueSize)"])
        }
        var start = spans.startIndex
        while start < spans.endIndex {
            let end = min(start + configuration.maxExportBatchSize, spans.endIndex)
            do {
                try await post(encoding.body(spans[start..<end]), with: client)
                failing = false
            } catch {
                if !failing {
                    logger.warning("trace export failed; spans are dropped until it works again",
                                   metadata: ["endpoint": "\(configuration.endpoint)", "error": "\(error)"])
                }
                // The rest of this pass is dropped with the batch: a collector that is down
                // costs one timeout per pass (and at exit), not one per batch.
                failing = true
                return
            }
            start = end
        }
    }

    private func post(_ body: [UInt8], with client: HTTPClient) async throws {
        var request = HTTPClientRequest(url: configuration.endpoint.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-protobuf")
        for (name, value) in configuration.headers { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: TimeAmount(configuration.timeout))
        // The body is read to its end so the connection can be reused.
        _ = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code) else { throw ExportError(status: Int(response.status.code)) }
    }
}

/// The collector answered an export with something other than success.
struct ExportError: Error, CustomStringConvertible {
    let status: Int
    var description: String { "the collector answered HTTP \(status)" }
}
