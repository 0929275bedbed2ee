import Foundation
import MiniLM

/// Small benchmark for the MiniLM embedder: BLAS kernel, sgemm rate, single-query latency,
/// bulk throughput and forward-pass efficiency relative to sgemm.
///
/// Usage: minilm-bench [MODEL_DIR]   (default: $ZAVA_MODEL_DIR or .zava/models/all-MiniLM-L6-v2)

/// Deterministic pseudo-random generator (SplitMix64) so every run embeds the same sentences.
struct SplitMix64 {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
    mutating func pick(_ words: [String]) -> String { words[next(words.count)] }
}

/// ~30-40 word product descriptions in the style of a hardware retailer's catalogue.
func productSentences(count: Int) -> [String] {
    var random = SplitMix64(state: 42)
    let adjectives = ["heavy-duty", "compact", "cordless", "professional", "lightweight", "weather-resistant",
                      "ergonomic", "high-torque", "brushless", "galvanized", "stainless steel", "fiberglass"]
    let products = ["hammer drill", "circular saw", "tape measure", "pipe wrench", "paint roller", "garden hose",
                    "ratchet set", "stud finder", "utility knife", "wet/dry vacuum", "extension ladder",
                    "tile cutter", "LED work light", "socket organizer", "pruning shears"]
    let features = ["a soft-grip handle that reduces fatigue", "a 20V lithium-ion battery with fast charging",
                    "laser-etched markings that stay readable", "a tool-free blade change system",
                    "corrosion-resistant hardware for outdoor use", "an adjustable depth stop for repeatable cuts",
                    "72-tooth gearing for tight spaces", "a magnetic tip that holds screws securely",
                    "a 10-year limited warranty", "a sturdy carrying case with labelled slots"]
    let uses = ["framing, decking and remodeling projects", "plumbing repairs under the sink",
                "painting interior walls and ceilings", "keeping the workshop organized",
                "trimming shrubs and small branches", "cleaning up sawdust and water spills",
                "hanging shelves and mounting TVs", "weekend DIY jobs around the house"]
    return (0..<count).map { index in
        "The \(random.pick(adjectives)) \(random.pick(products)) (model HT\(1000 + index)) features "
            + "\(random.pick(features)) and \(random.pick(features)). It is ideal for \(random.pick(uses)), "
            + "and pairs well with our \(random.pick(adjectives)) \(random.pick(products)) for \(random.pick(uses))."
    }
}

/// Matrix-multiply flops of one forward pass over a sequence of n tokens (attention included).
func forwardFlops(tokens n: Int) -> Double {
    let h = 384.0, i = 1536.0, layers = 6.0, t = Double(n)
    let dense = 2 * t * (h * 3 * h + h * h + 2 * h * i)
    let attention = 2 * 2 * t * t * h  // QKᵀ and PV over all heads
    return layers * (dense + attention)
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
}

// Options: --only sgemm|query|bulk limits the run to one section (for profiling).
let (arguments, only): ([String], String?) = {
    var arguments = Array(CommandLine.arguments.dropFirst())
    guard let flag = arguments.firstIndex(of: "--only"), flag + 1 < arguments.count else { return (arguments, nil) }
    let only = arguments[flag + 1]
    arguments.removeSubrange(flag...(flag + 1))
    return (arguments, only)
}()
func section(_ name: String) -> Bool { only == nil || only == name }
let environmentDirectory = ProcessInfo.processInfo.environment["ZAVA_MODEL_DIR"]
let modelPath = arguments.first ?? environmentDirectory ?? ".zava/models/all-MiniLM-L6-v2"
let clock = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

print("BLAS: \(BLAS.kernelName)")
/// The machine is shared, so every rate is the best of three short measurements: the least
/// disturbed run is the best estimate of what the code itself can do.
func bestRate(m: Int, n: Int, k: Int, transposeB: Bool = true) -> Double {
    (0..<3).map { _ in BLAS.measureSGEMM(m: m, n: n, k: k, transposeB: transposeB, minimumSeconds: 0.2) }.max() ?? 0
}
let modelShapeRate = bestRate(m: 128, n: 1536, k: 384)
print(String(format: "sgemm [128x384]x[384x1536]: %.1f GFLOP/s", modelShapeRate))
if section("sgemm") {
    let squareRate = bestRate(m: 1024, n: 1024, k: 1024, transposeB: false)
    let queryShapeRate = bestRate(m: 20, n: 1536, k: 384)
    print(String(format: "sgemm [1024x1024]x[1024x1024]: %.1f GFLOP/s", squareRate))
    print(String(format: "sgemm [20x384]x[384x1536]: %.1f GFLOP/s", queryShapeRate))
}

let loadStart = clock.now
let embedder = try MiniLMEmbedder(modelDirectory: URL(fileURLWithPath: modelPath))
print(String(format: "model load: %.0f ms", seconds(clock.now - loadStart) * 1000))

if section("query") {
let query = "cordless hammer drill with two spare batteries and a fast charger for weekend deck projects?"
let queryTokens = embedder.tokenizer.encode(query).count
for _ in 0..<5 { _ = try await embedder.embed([query]) }
var latencies: [Double] = []
for _ in 0..<50 {
    let start = clock.now
    _ = try await embedder.embed([query])
    latencies.append(seconds(clock.now - start) * 1000)
}
print(String(format: "query (%d tokens) latency over 50 runs: p50 %.2f ms, p90 %.2f ms, min %.2f ms",
             queryTokens, percentile(latencies, 0.5), percentile(latencies, 0.9), latencies.min() ?? 0))
}

if section("bulk") {
let sentences = productSentences(count: 400)
let tokenizeStart = clock.now
let encoded = sentences.map { embedder.tokenizer.encode($0) }
print(String(format: "tokenizer: %.1f µs per sentence", seconds(clock.now - tokenizeStart) * 1e6 / 400))
let tokenCount = encoded.reduce(0) { $0 + $1.count }
let words = sentences.reduce(0) { $0 + $1.split(separator: " ").count }
let flops = encoded.reduce(0.0) { $0 + forwardFlops(tokens: $1.count) }
_ = try await embedder.embed(Array(sentences.prefix(32)))
var rounds: [Double] = []
for _ in 0..<3 {
    let bulkStart = clock.now
    _ = try await embedder.embed(sentences)
    rounds.append(seconds(clock.now - bulkStart))
}
let bulkSeconds = rounds.min() ?? 0
print("bulk rounds (s): " + rounds.map { String(format: "%.3f", $0) }.joined(separator: ", "))
print(String(format: "bulk (best of 3): %d sentences (%.1f words, %.1f tokens avg) in %.3f s: "
                + "%.0f sentences/s, %.0f tokens/s",
             sentences.count, Double(words) / Double(sentences.count), Double(tokenCount) / Double(sentences.count),
             bulkSeconds, Double(sentences.count) / bulkSeconds, Double(tokenCount) / bulkSeconds))
let effective = flops / bulkSeconds / 1e9
print(String(format: "forward pass: %.2f GFLOP in %.3f s = %.1f GFLOP/s effective, "
                + "%.0f%% of the [128x384]x[384x1536] sgemm rate",
             flops / 1e9, bulkSeconds, effective, 100 * effective / modelShapeRate))
}
