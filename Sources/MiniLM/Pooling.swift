/// Sentence-transformers' `Pooling(mean)` + `Normalize` modules.
enum Pooling {
    /// Mean of `rows` token vectors (all real tokens: packed batches have no padding rows),
    /// divided by max(‖mean‖, 1e-12) like `torch.nn.functional.normalize`.
    static func meanNormalized(_ x: UnsafePointer<Float>, rows: Int, columns: Int) -> [Float] {
        var sum = [Float](repeating: 0, count: columns)
        for row in 0..<rows {
            let line = x + row * columns
            for j in 0..<columns { sum[j] += line[j] }
        }
        let inverseRows = 1 / Float(max(rows, 1))
        var squared: Float = 0
        for j in 0..<columns {
            sum[j] *= inverseRows
            squared += sum[j] * sum[j]
        }
        let inverseNorm = 1 / max(squared.squareRoot(), 1e-12)
        for j in 0..<columns { sum[j] *= inverseNorm }
        return sum
    }
}
