import ArgumentParser

protocol ExitCodeConvertible: Error {}
extension ExitCode: ExitCodeConvertible {}

enum ExitCodeError {
    static let failure = ExitCode(1)
}
