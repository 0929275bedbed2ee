import Dispatch
import Foundation

/// Splits row-wise work (GELU, LayerNorm, per-sequence attention) across the CPU cores.
///
/// Why: OpenBLAS parallelises the matrix multiplies, but everything between them would
/// otherwise run on one thread while the other cores idle (or spin in OpenBLAS's wait loop).
/// Work below `minimumRowsPerWorker` per worker stays on the calling thread, because waking a
/// worker costs more than a 20-token query's element-wise work.
struct ParallelRows: Sendable {
    let workers: Int

    init(workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.workers = max(1, workers)
    }

    /// Number of workers that `forEachChunk` would use for `rows` rows.
    func workerCount(rows: Int, minimumRowsPerWorker: Int) -> Int {
        max(1, min(workers, rows / max(1, minimumRowsPerWorker)))
    }

    /// Calls `body(worker, range)` for contiguous row ranges covering 0..<rows, in parallel.
    func forEachChunk(rows: Int, minimumRowsPerWorker: Int, _ body: @Sendable (Int, Range<Int>) -> Void) {
        let count = workerCount(rows: rows, minimumRowsPerWorker: minimumRowsPerWorker)
        if count == 1 {
            body(0, 0..<rows)
            return
        }
        DispatchQueue.concurrentPerform(iterations: count) { worker in
            let start = rows * worker / count
            let end = rows * (worker + 1) / count
            body(worker, start..<end)
        }
    }
}
