import Dispatch

/// Runs CPU-heavy, blocking work on a dedicated serial dispatch queue and resumes the caller
/// when it finishes.
///
/// Why: a forward pass holds a thread for milliseconds to seconds. Running it directly in an
/// async function would pin one of the few Swift cooperative-pool threads (one per core, two
/// here) and stall unrelated tasks such as HTTP handlers. The serial queue also keeps at most
/// one forward pass running per embedder, since OpenBLAS already uses every core for it.
final class BlockingWorkQueue: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Swift.Result { try work() })
            }
        }
    }
}
