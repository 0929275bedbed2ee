import Foundation

/// Vectorised element-wise kernels for the parts of the forward pass that BLAS does not do:
/// bias + GELU, residual + bias + LayerNorm, and softmax.
///
/// Why hand-written: calling `erff`/`expf` per element costs more than the matrix multiplies
/// around them (GELU touches 1536 values per token and layer, softmax n² per head). These use
/// `SIMD16<Float>` with rational/polynomial approximations accurate to a few 1e-7, well below
/// float32 rounding noise of the reference model. All loops work on raw pointers and allocate
/// nothing.
enum VectorKernels {
    typealias Vector = SIMD16<Float>
    static let width = Vector.scalarCount

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ value: Vector, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }

    /// Lane-wise clamp written as compare + select. `SIMD.clamped(lowerBound:upperBound:)`
    /// and `pointwiseMax` carry NaN-ordering semantics that the compiler scalarises (16
    /// branches per vector); compare + select lowers to `minps`/`maxps`.
    @inline(__always)
    static func clamp(_ x: Vector, _ lower: Float, _ upper: Float) -> Vector {
        let capped = x.replacing(with: upper, where: x .> upper)
        return capped.replacing(with: lower, where: capped .< lower)
    }

    /// Lane-wise maximum as compare + select (see `clamp`).
    @inline(__always)
    static func maximum(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: b .> a)
    }

    // MARK: - Transcendentals

    /// erf(x) as x·P(x²)/Q(x²), the minimax rational form used by Eigen/XLA for float;
    /// |error| < 1e-7 on [-4, 4], and erf is ±1 in float beyond that, hence the clamp.
    @inline(__always)
    static func erf(_ input: Vector) -> Vector {
        let x = clamp(input, -4, 4)
        let x2 = x * x
        var p = x2 * Vector(repeating: -2.72614225801306e-10) + Vector(repeating: 2.77068142495902e-08)
        p = x2 * p + Vector(repeating: -2.10102402082508e-06)
        p = x2 * p + Vector(repeating: -5.69250639462346e-05)
        p = x2 * p + Vector(repeating: -7.34990630326855e-04)
        p = x2 * p + Vector(repeating: -2.95459980854025e-03)
        p = x2 * p + Vector(repeating: -1.60960333262415e-02)
        p = x * p
        var q = x2 * Vector(repeating: -1.45660718464996e-05) + Vector(repeating: -2.13374055278905e-04)
        q = x2 * q + Vector(repeating: -1.68282697438203e-03)
        q = x2 * q + Vector(repeating: -7.37332916720468e-03)
        q = x2 * q + Vector(repeating: -1.42647390514189e-02)
        return p / q
    }

    /// exp(x) by range reduction x = n·ln2 + r (Cody-Waite split of ln2), a degree-6
    /// polynomial for e^r (Cephes expf coefficients) and 2ⁿ assembled in the exponent bits.
    /// Inputs are clamped to [-87.3, 88.3] so 2ⁿ stays a normal float.
    @inline(__always)
    static func exp(_ input: Vector) -> Vector {
        let x = clamp(input, -87.3, 88.3)
        // Adding 1.5·2²³ rounds to the nearest integer and leaves it in the low mantissa bits.
        let shifter = Vector(repeating: 12_582_912)
        let shifted = x * Vector(repeating: 1.442_695_04) + shifter
        let n = shifted - shifter
        var r = x - n * Vector(repeating: 0.693_359_375)
        r = r - n * Vector(repeating: -2.121_944_4e-4)
        var y = Vector(repeating: 1.987_569_15e-4)
        y = y * r + Vector(repeating: 1.398_199_95e-3)
        y = y * r + Vector(repeating: 8.333_451_9e-3)
        y = y * r + Vector(repeating: 4.166_579_59e-2)
        y = y * r + Vector(repeating: 1.666_666_55e-1)
        y = y * r + Vector(repeating: 5.000_000_1e-1)
        y = y * (r * r) + r + Vector(repeating: 1)
        let integer = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- SIMD16<Int32>(repeating: 0x4B40_0000)
        let scale = unsafeBitCast((integer &+ SIMD16<Int32>(repeating: 127)) &<< SIMD16<Int32>(repeating: 23),
                                  to: Vector.self)
        return y * scale
    }

    /// Exact-erf GELU: 0.5·x·(1 + erf(x/√2)).
    @inline(__always)
    static func gelu(_ x: Vector) -> Vector {
        Vector(repeating: 0.5) * x * (Vector(repeating: 1) + erf(x * Vector(repeating: 0.707_106_781_186_547_5)))
    }

    // MARK: - Row kernels

    /// x[r, j] += bias[j] for a row-major [rows, columns] matrix.
    static func addBias(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>) {
        let vectorEnd = columns - columns % width
        for row in 0..<rows {
            let line = x + row * columns
            var j = 0
            while j < vectorEnd {
                store(load(line + j) + load(bias + j), line + j)
                j += width
            }
            while j < columns {
                line[j] += bias[j]
                j += 1
            }
        }
    }

    /// x = GELU(x + bias) in place, row-major [rows, columns].
    static func biasGELU(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>) {
        let vectorEnd = columns - columns % width
        for row in 0..<rows {
            let line = x + row * columns
            var j = 0
            while j < vectorEnd {
                store(gelu(load(line + j) + load(bias + j)), line + j)
                j += width
            }
            while j < columns {
                let v = line[j] + bias[j]
                line[j] = 0.5 * v * (1 + Foundation.erf(v * 0.707_106_781_186_547_5))
                j += 1
            }
        }
    }

    /// residual = LayerNorm((sublayer + bias) + residual) row by row, the post-norm BERT block
    /// ending (`bias`/`sublayer` may be nil for the embedding LayerNorm). Two passes (mean,
    /// then centred variance) for accuracy, like PyTorch.
    static func residualLayerNorm(
        _ residual: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
        sublayer: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float
    ) {
        let vectorEnd = columns - columns % width
        let inverseCount = 1 / Float(columns)
        for row in 0..<rows {
            let line = residual + row * columns
            if let sublayer, let bias {
                let other = sublayer + row * columns
                var j = 0
                while j < vectorEnd {
                    store((load(other + j) + load(bias + j)) + load(line + j), line + j)
                    j += width
                }
                while j < columns {
                    line[j] = (other[j] + bias[j]) + line[j]
                    j += 1
                }
            }
            var sum = Vector(repeating: 0)
            var j = 0
            while j < vectorEnd {
                sum += load(line + j)
                j += width
            }
            var total = sum.sum()
            while j < columns {
                total += line[j]
                j += 1
            }
            let mean = total * inverseCount
            let meanVector = Vector(repeating: mean)
            var squares = Vector(repeating: 0)
            j = 0
            while j < vectorEnd {
                let d = load(line + j) - meanVector
                squares += d * d
                j += width
            }
            var squareTotal = squares.sum()
            while j < columns {
                let d = line[j] - mean
                squareTotal += d * d
                j += 1
            }
            let inverseDeviation = 1 / (squareTotal * inverseCount + epsilon).squareRoot()
            let scale = Vector(repeating: inverseDeviation)
            j = 0
            while j < vectorEnd {
                let normalized = (load(line + j) - meanVector) * scale
                store(normalized * load(gamma + j) + load(beta + j), line + j)
                j += width
            }
            while j < columns {
                line[j] = (line[j] - mean) * inverseDeviation * gamma[j] + beta[j]
                j += 1
            }
        }
    }

    /// Horizontal maximum of a vector by halving (compare + select), avoiding the scalar
    /// NaN-aware loop behind `SIMD.max()`.
    @inline(__always)
    static func horizontalMax(_ v: Vector) -> Float {
        let a = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
        let b = a.lowHalf.replacing(with: a.highHalf, where: a.highHalf .> a.lowHalf)
        let c = b.lowHalf.replacing(with: b.highHalf, where: b.highHalf .> b.lowHalf)
        return Swift.max(c[0], c[1])
    }

    /// Horizontal sum by halving.
    @inline(__always)
    static func horizontalSum(_ v: Vector) -> Float {
        let a = v.lowHalf + v.highHalf
        let b = a.lowHalf + a.highHalf
        let c = b.lowHalf + b.highHalf
        return c[0] + c[1]
    }

    /// Row-wise softmax in place over the first `columns` entries of each row.
    ///
    /// `stride` must be at least `columns` rounded up to the vector width: the last partial
    /// vector of a row is processed whole, with lanes past `columns` masked (to -inf for the
    /// maximum, to 0 for the sum and the stored value), which avoids a scalar tail loop.
    static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int) {
        precondition(stride >= (columns + width - 1) / width * width, "softmax rows need padded storage")
        let vectors = (columns + width - 1) / width
        let lastLanes = columns - (vectors - 1) * width
        var laneIndex = SIMD16<Int32>()
        for lane in 0..<width { laneIndex[lane] = Int32(lane) }
        let lastValid = laneIndex .< SIMD16<Int32>(repeating: Int32(lastLanes))
        let negativeInfinity = Vector(repeating: -.infinity)
        let zero = Vector(repeating: 0)
        for row in 0..<rows {
            let line = x + row * stride
            let last = line + (vectors - 1) * width
            var maxVector = negativeInfinity.replacing(with: load(last), where: lastValid)
            var j = 0
            while j < (vectors - 1) * width {
                maxVector = maximum(maxVector, load(line + j))
                j += width
            }
            let maxBroadcast = Vector(repeating: horizontalMax(maxVector))
            var sumVector = zero
            j = 0
            while j < (vectors - 1) * width {
                let e = exp(load(line + j) - maxBroadcast)
                store(e, line + j)
                sumVector += e
                j += width
            }
            let lastExp = zero.replacing(with: exp(load(last) - maxBroadcast), where: lastValid)
            store(lastExp, last)
            sumVector += lastExp
            let inverse = Vector(repeating: 1 / horizontalSum(sumVector))
            j = 0
            while j < vectors * width {
                store(load(line + j) * inverse, line + j)
                j += width
            }
        }
    }
}
