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

    /// Output that is not a screen is streamed whole: the interactive row cap (10,000 by
    /// default) never cuts it, and memory stays flat (the table is laid out per batch).
    @Test func scriptOutputIsStreamedWholeInBoundedMemory() throws {
        try CLITests.provisioned()
        for format in ["table", "csv"] {
            let (result, peak) = try Self.measured(["--as", "headoffice", "--format", format, "-c",
                                                    "select generate_series(1, 300000) as g, repeat('x', 100) as pad"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.contains("truncated"), "\(format): \(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == (format == "csv" ? 300_001 : 300_003), "\(format): every row")
            #expect(peak < 150, "\(format): peak \(peak) MB")
        }
    }

    /// A cap asked for is applied, said on stderr and in the exit status (a script notices).
    @Test func anExplicitRowCapIsReportedAndFailsTheRun() throws {
        try CLITests.provisioned()
        for format in ["table", "csv"] {
            let (result, _) = try Self.measured(["--as", "headoffice", "--format", format, "--max-rows", "1000", "-c",
                                                 "select generate_series(1, 10000000) as g"])
            #expect(result.status == 1, "\(format): \(result.stderr)")
            #expect(result.stderr.contains("result truncated at 1,000 rows by --max-rows"), "\(format): \(result.stderr)")
            #expect(result.stdout.split(separator: "\n").count < 1_010)
        }
        // 0: no cap at all (never zero rows).
        let uncapped = try CLITests.zava(["--as", "headoffice", "--max-rows", "0", "--format", "csv", "-c",
                                          "select generate_series(1, 20000) as g"])
        #expect(uncapped.status == 0 && uncapped.stdout.split(separator: "\n").count == 20_001, "\(uncapped.stderr)")
        let negative = try CLITests.zava(["--as", "headoffice", "--max-rows=-1", "-c", "select 1"])
        #expect(negative.status != 0 && negative.stderr.contains("--max-rows takes 0 (no cap) or a positive number"), "\(negative.stderr)")
    }

    /// A streamed row is held once, whatever its size: a 100 MB value goes out whole.
    @Test func aHundredMegabyteValueStreamsInBoundedMemory() throws {
        try CLITests.provisioned()
        let (result, peak) = try Self.measured(["--as", "headoffice", "--format", "csv", "-c", "select repeat('x', 100000000) as big"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.utf8.count == "big\n".utf8.count + 100_000_001, "the whole value")
        // libpq holds the one 100 MB message while it arrives (~200 MB with its buffer's growth);
        // the output buffer holds the row once more, and nothing else does.
        #expect(peak < 360, "peak \(peak) MB")
    }
}
}
