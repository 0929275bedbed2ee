import Foundation
import Testing
@testable import ZavaCore

@Suite("Subprocess")
struct SubprocessTests {
    /// A descriptor this process holds open - a listening socket, a database connection - must
    /// not live on in a child: a daemon the child leaves behind (the server pg_ctl starts) or a
    /// child that outlives its use would keep it open after this process closed it.
    @Test("a child gets only standard input, output and error")
    func childInheritsNoDescriptors() throws {
        let held = open("/dev/null", O_RDONLY)  // no O_CLOEXEC, like the sockets NIO opens
        try #require(held > 2)
        defer { close(held) }
        let output = try Subprocess.run("/bin/sh", ["-c", "if [ -e /proc/self/fd/\(held) ]; then echo open; else echo closed; fi; echo out; echo err >&2"])
        #expect(output.status == 0)
        #expect(output.stdout == "closed\nout\n")
        #expect(output.stderr == "err\n")
    }

    @Test("the feeding pipe still reaches the child's standard input")
    func feedingStillWorks() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zava-subprocess-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("fed").path
        let status = try Subprocess.runFeeding(Array("three\nlines\nfed\n".utf8), to: "/bin/sh", ["-c", "cat > '\(target)'"])
        #expect(status == 0)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "three\nlines\nfed\n")
    }
}
