import Foundation
import Testing
import ZavaCore

/// Huge results through `zava -c`: the caps are reported and the process's memory stays bounded.
extension ExecutableTests {
@Suite struct LimitsCLITests {
    /// Runs zava under /usr/bin/time; returns the output and the peak resident set in MB.
    static func measured(_ arguments: [String]) throws -> (output: Subprocess.Output, peakMB: Int) {
        let result = try Subprocess.run("/usr/bin/time", ["-f", "peak-kb %M", CLITests.binary.path] + arguments,
                                        environment: CLITests.environment)
        let line = result.stderr.split(separator: "\n").last { $0.hasPrefix("peak-kb ") }
        let kilobytes = line.flatMap { Int($0.dropFirst("peak-kb ".count)) } ?? Int.max
        return (result, kilobytes / 1024)
    }

    @Test func tenMillionRowsAreCutByTheRowCapInBoundedMemory() throws {
        try CLITests.provisioned()
        for format in ["table", "csv"] {
            let (result, peak) = try Self.measured(["--as", "headoffice", "--format", format, "-c",
                                                    "select generate_series(1, 10000000) as g, repeat('x', 100) as pad"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("truncated at 10000 rows") || result.stdout.contains("truncated at 10000 rows"),
                    "\(format): the cap is reported")
            #expect(result.stdout.split(separator: "\n").count < 10_100)
            #expect(peak < 150, "\(format): peak \(peak) MB")
        }
    }

    @Test func aHundredMegabyteValueIsReportedAsTruncatedInBoundedMemory() throws {
        try CLITests.provisioned()
        let (result, peak) = try Self.measured(["--as", "headoffice", "-c", "select repeat('x', 100000000) as big"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("(0 rows)") && result.stdout.contains("truncated"), "\(result.stdout.prefix(500))")
        // libpq holds the one 100 MB message while it arrives (~200 MB); decoding and rendering it would double that.
        #expect(peak < 320, "peak \(peak) MB")
    }
}
}
