import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An OpenAI-compatible embeddings endpoint: OpenAI itself, Azure OpenAI deployments, or any
/// server speaking the same JSON. Retries 429 and 5xx answers with exponential backoff
/// (honouring Retry-After), with a timeout per attempt.
public struct HostedEmbedder: Embedder {
    public struct Settings: Sendable {
        public var url: URL
        public var headers: [String: String]
        /// Sent as "model" (OpenAI); Azure names the deployment in the URL instead.
        public var model: String?
        public var modelName: String
        public var dimension: Int
        /// Sent as "dimensions" when the user chose a size (OpenAI's text-embedding-3 models,
        /// and Azure deployments of them, shorten their vectors to it); nil keeps the model's own.
        public var requestedDimensions: Int?
        public var timeout: Duration = .seconds(30)
        public var maxAttempts = 4
        public var initialBackoff: Duration = .milliseconds(500)
        public var batchSize = 96

        public init(url: URL, headers: [String: String], model: String?, modelName: String, dimension: Int) {
            self.url = url
            self.headers = headers
            self.model = model
            self.modelName = modelName
            self.dimension = dimension
        }
    }

    public let settings: Settings
    public var modelName: String { settings.modelName }
    public var dimension: Int { settings.dimension }

    public init(settings: Settings) { self.settings = settings }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let batch = Array(texts[start..<min(start + settings.batchSize, texts.count)])
            vectors += try await embedBatch(batch)
            start += batch.count
        }
        return vectors
    }

    private struct Request: Encodable {
        var input: [String]
        var model: String?
        var dimensions: Int?
    }

    private struct Response: Decodable {
        struct Item: Decodable {
            var index: Int
            var embedding: [Float]
        }
        var data: [Item]
    }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable { var message: String? }
        var error: Detail?
    }

    private func embedBatch(_ texts: [String]) async throws -> [[Float]] {
        var request = URLRequest(url: settings.url)
        request.httpMethod = "POST"
        request.timeoutInterval = Double(settings.timeout.components.seconds)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in settings.headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = try JSONEncoder().encode(Request(input: texts, model: settings.model, dimensions: settings.requestedDimensions))
        var backoff = settings.initialBackoff
        var lastError: Error = HostedEmbedderError(status: nil, message: "no attempt made")
        for attempt in 1...max(1, settings.maxAttempts) {
            do {
                let (data, response) = try await URLSession.shared.answer(to: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if status == 200 {
                    let decoded = try JSONDecoder().decode(Response.self, from: data)
                    let vectors = decoded.data.sorted { $0.index < $1.index }.map(\.embedding)
                    guard vectors.count == texts.count, vectors.allSatisfy({ $0.count == settings.dimension }) else {
                        throw HostedEmbedderError(status: status, message:
                            "expected \(texts.count) vectors of \(settings.dimension) dimensions, got \(vectors.count) of \(vectors.first?.count ?? 0)")
                    }
                    return vectors
                }
                let message = (try? JSONDecoder().decode(ErrorBody.self, from: data))?.error?.message
                    ?? String(decoding: data.prefix(300), as: UTF8.self)
                lastError = HostedEmbedderError(status: status, message: message)
                guard status == 429 || status >= 500, attempt < settings.maxAttempts else { throw lastError }
                if let retryAfter = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After"),
                   let seconds = Double(retryAfter) {
                    backoff = .milliseconds(Int(min(seconds, 30) * 1000))
                }
            } catch let error as HostedEmbedderError {
                throw error
            } catch let error as URLError {
                lastError = HostedEmbedderError(status: nil, message: error.localizedDescription)
                guard attempt < settings.maxAttempts else { throw lastError }
            }
            try await Task.sleep(for: backoff)
            backoff *= 2
        }
        throw lastError
    }
}

public struct HostedEmbedderError: Error, Sendable, CustomStringConvertible {
    public var status: Int?
    public var message: String
    public var description: String {
        "embedding service " + (status.map { "answered HTTP \($0)" } ?? "unreachable") + ": \(message)"
    }
}
