import CBLAS
import Foundation

/// Single entry point to the system BLAS (Debian's OpenBLAS 0.3.21, DYNAMIC_ARCH build).
///
/// Why this type exists: that OpenBLAS picks its kernels from the CPU model at load time, and
/// on some of our cloud VMs (AVX-512 CPUs newer than its tables) it falls back to the generic
/// "Prescott" kernels, 3-10x slower than "SkylakeX" for this model's shapes (other VMs of the
/// same kind report a CPU model it knows and get SkylakeX on their own).
/// The documented fix, `OPENBLAS_CORETYPE`, is only read by the library's load-time
/// constructor, i.e. before `main`. `BLAS.configuration` therefore re-runs OpenBLAS's own
/// kernel selection in-process (see `minilm_openblas_reselect_core` in the CBLAS shim) when
/// the detected kernel is weaker than what the CPU supports, then verifies the result both
/// by name (`openblas_get_corename`) and numerically (an sgemm checked against a naive loop).
/// An explicit `OPENBLAS_CORETYPE` in the environment is always respected.
public enum BLAS {
    /// How the kernel in use was chosen.
    public enum KernelSource: String, Sendable {
        /// OpenBLAS's own CPU detection already picked the best kernel for this CPU.
        case autodetected
        /// `OPENBLAS_CORETYPE` was set by the user before the process started.
        case environment
        /// Detection picked a weaker kernel; MiniLM re-selected a better one in-process.
        case reselected
    }

    /// The BLAS state after MiniLM's one-time kernel check.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// Kernel OpenBLAS chose at load time, before any intervention.
        public var detectedKernel: String
        /// Kernel in use now (`openblas_get_corename()`).
        public var kernel: String
        public var source: KernelSource
        public var threads: Int
        /// Set when the kernel in use is weaker than what the CPU supports (an explicit
        /// `OPENBLAS_CORETYPE`, or an OpenBLAS build without run-time kernel selection).
        public var preferredKernel: String?
        /// Largest relative error of the self-check sgemm against a naive reference.
        public var selfCheckError: Float

        public var description: String {
            var text = "OpenBLAS \(kernel) (\(source.rawValue)"
            if kernel != detectedKernel { text += ", load-time detection: \(detectedKernel)" }
            if let preferredKernel { text += ", slower than the \(preferredKernel) kernels this CPU supports" }
            return text + ", \(threads) threads)"
        }
    }

    /// Performed once per process (Swift initialises static lets exactly once, thread-safely),
    /// on first access: `MiniLMEmbedder.init` touches it before any forward pass. Switching
    /// kernels is only safe while no other thread is inside OpenBLAS, so a process that also
    /// uses OpenBLAS elsewhere should touch it early (e.g. at start-up, for its doctor output).
    public static let configuration: Configuration = configure()

    /// Whether OpenBLAS could be loaded (it is loaded on first use, see the CBLAS shim).
    public static var isAvailable: Bool { minilm_sgemm_entry() != nil }

    /// Name of the BLAS kernel in use, for benchmark and doctor output.
    public static var kernelName: String { configuration.description }

    private static func currentCoreName() -> String {
        guard let name = minilm_openblas_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Kernel families that are at least as good as what this CPU can run.
    private static func preferredKernel() -> (name: String, acceptable: Set<String>)? {
        if minilm_cpu_has_avx512_skylakex() != 0 {
            return ("SkylakeX", ["skylakex", "cooperlake", "sapphirerapids"])
        }
        if minilm_cpu_has_avx2_fma() != 0 {
            return ("Haswell", ["haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"])
        }
        return nil
    }

    private static func configure() -> Configuration {
        let detected = currentCoreName()
        let preferred = preferredKernel()
        var source = KernelSource.autodetected
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil {
            source = .environment
        } else if let preferred, !preferred.acceptable.contains(detected.lowercased()),
                  minilm_openblas_reselect_core(preferred.name) == 0 {
            source = .reselected
        }
        let kernel = currentCoreName()
        return Configuration(
            detectedKernel: detected,
            kernel: kernel,
            source: source,
            threads: Int(minilm_openblas_num_threads()),
            preferredKernel: preferred.flatMap { $0.acceptable.contains(kernel.lowercased()) ? nil : $0.name },
            selfCheckError: selfCheck()
        )
    }

    /// Relative max error of a small sgemm (odd sizes, transposed B, leading dimensions larger
    /// than the matrix) against a Double-precision loop: a wrong or miscompiled kernel shows up
    /// as errors around 1, a healthy one around 1e-7.
    private static func selfCheck() -> Float {
        let m = 37, n = 45, k = 70, lda = 72, ldb = 75, ldc = 50
        let a = (0..<(m * lda)).map { Float(($0 * 7919) % 97) / 97 - 0.5 }
        let b = (0..<(n * ldb)).map { Float(($0 * 104_729) % 89) / 89 - 0.5 }
        var c = [Float](repeating: 0, count: m * ldc)
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeMutableBufferPointer { cBuffer in
                    guard let aBase = aBuffer.baseAddress, let bBase = bBuffer.baseAddress,
                          let cBase = cBuffer.baseAddress else { return }
                    minilm_sgemm(1, Int32(m), Int32(n), Int32(k), 1, aBase, Int32(lda), bBase, Int32(ldb), 0, cBase, Int32(ldc))
                }
            }
        }
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let term = Double(a[i * lda + p]) * Double(b[j * ldb + p])
                    sum += term
                    magnitude += abs(term)
                }
                let error = abs(Double(c[i * ldc + j]) - sum) / max(magnitude, 1e-6)
                worst = max(worst, Float(error))
            }
        }
        return worst
    }

    /// C[m×n] = alpha · A[m×k] · op(B) + beta · C, row-major, with op(B) = Bᵀ when `transposeB`
    /// (B stored n×k, the PyTorch `Linear.weight` layout) or B (stored k×n).
    @inline(__always)
    static func sgemm(
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        minilm_sgemm(transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                     beta, c, Int32(ldc))
    }

    /// Measures sgemm throughput in GFLOP/s for C[m×n] = A[m×k]·op(B), repeating until at least
    /// `minimumSeconds` elapsed (after one warm-up call). Used by the benchmark and doctor output.
    public static func measureSGEMM(m: Int, n: Int, k: Int, transposeB: Bool = true,
                                    minimumSeconds: Double = 0.3) -> Double {
        _ = configuration
        let a = FloatBuffer(count: m * k, fill: 0.01)
        let b = FloatBuffer(count: k * n, fill: 0.02)
        let c = FloatBuffer(count: m * n, fill: 0)
        let ldb = transposeB ? k : n
        func run() {
            sgemm(m: m, n: n, k: k, a: a.pointer, lda: k, b: b.pointer, ldb: ldb,
                  transposeB: transposeB, c: c.mutablePointer, ldc: n)
        }
        run()
        var repetitions = 0
        let clock = ContinuousClock()
        let start = clock.now
        var elapsed = 0.0
        repeat {
            run()
            repetitions += 1
            elapsed = (clock.now - start).seconds
        } while elapsed < minimumSeconds
        return 2.0 * Double(m) * Double(n) * Double(k) * Double(repetitions) / elapsed / 1e9
    }
}

extension Duration {
    /// The duration as floating-point seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
