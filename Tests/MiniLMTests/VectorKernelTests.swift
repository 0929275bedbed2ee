import Foundation
import Testing
@testable import MiniLM

/// The polynomial erf/exp approximations must stay well inside float32 noise.
@Suite struct VectorKernelTests {
    @Test func geluMatchesLibm() {
        var worst: Float = 0
        var x: Float = -10
        while x < 10 {
            var lanes = VectorKernels.Vector()
            for lane in 0..<VectorKernels.width { lanes[lane] = x + Float(lane) * 0.0007 }
            let result = VectorKernels.gelu(lanes)
            for lane in 0..<VectorKernels.width {
                let v = Double(lanes[lane])
                let exact = 0.5 * v * (1 + erf(v / 2.0.squareRoot()))
                worst = max(worst, Float(abs(Double(result[lane]) - exact)))
            }
            x += 0.011
        }
        #expect(worst < 2e-6, "max GELU error \(worst)")
    }

    @Test func expMatchesLibm() {
        var worst: Double = 0
        var x: Float = -80
        while x < 80 {
            let result = VectorKernels.exp(VectorKernels.Vector(repeating: x))
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(result[0]) - exact) / exact)
            x += 0.0173
        }
        #expect(worst < 1e-6, "max relative exp error \(worst)")
    }

    @Test func softmaxHandlesPartialVectors() {
        let columns = 19, stride = 32
        var row = [Float](repeating: .nan, count: stride)
        for j in 0..<columns { row[j] = Float(j % 5) - 2 }
        row.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress {
                VectorKernels.softmaxRows(base, rows: 1, columns: columns, stride: stride)
            }
        }
        let denominator = (0..<columns).reduce(0.0) { $0 + Foundation.exp(Double($1 % 5) - 2) }
        for j in 0..<columns {
            #expect(abs(Double(row[j]) - Foundation.exp(Double(j % 5) - 2) / denominator) < 1e-6)
        }
    }
}
