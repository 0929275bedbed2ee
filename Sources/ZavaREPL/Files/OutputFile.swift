import Foundation

/// A file zava writes results to (`\o`, `\g file`, `\copy`, `:export`): opened once, written
/// through a buffer, never replacing an existing file unless asked; failures name the file.
final class OutputFile {
    struct OpenError: Error, CustomStringConvertible, Equatable {
        var description: String
    }

    /// The path as opened (`~` expanded).
    let path: String
    let buffer: OutputBuffer
    private let handle: FileHandle

    private init(path: String, handle: FileHandle) {
        self.path = path
        self.handle = handle
        buffer = OutputBuffer(handle: handle)
    }

    /// Opens `path` (`~` expanded, relative to the working directory) for writing.
    /// `overwrite: false` refuses an existing file, naming `force` as the way to replace it.
    static func open(_ path: String, overwrite: Bool, force: String? = nil,
                     environment: [String: String] = ProcessInfo.processInfo.environment) throws -> OutputFile {
        if path.hasPrefix("|") {
            throw OpenError(description: "writing to a command (\(path)) is not supported: write to a file, or use zava -c and a shell pipe")
        }
        let resolved = expand(path, environment: environment)
        let fd = Foundation.open(resolved, O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL), 0o644)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST {
                throw OpenError(description: "\(path) already exists\(force.map { ": \($0) overwrites it" } ?? "")")
            }
            throw OpenError(description: "cannot write \(resolved): \(String(cString: strerror(code)))")
        }
        return OutputFile(path: resolved, handle: FileHandle(fileDescriptor: fd, closeOnDealloc: true))
    }

    /// Bytes written so far (flushes first).
    var size: Int {
        buffer.flush()
        return Int((try? handle.offset()) ?? 0)
    }

    func close() {
        buffer.flush()
        try? handle.close()
    }

    static func expand(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}
