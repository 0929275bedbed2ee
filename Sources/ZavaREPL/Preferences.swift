import Foundation
import ZavaCore

/// The user's REPL settings from `$XDG_CONFIG_HOME/zava/config` (default `~/.config/zava/config`),
/// `key = value` lines. Command-line flags and `ZAVA_*` variables override them.
public struct Preferences: Sendable, Equatable {
    public var profile: String?
    public var format: OutputFormat?
    public var pager = true
    public var historySize = 2_000
    /// nil: colour when the terminal supports it and `NO_COLOR` is unset.
    public var colour: Bool?
    public var rowCap: Int?
    /// Where the config file and saved queries live.
    public var directory: URL?

    public init() {}

    public struct PreferencesError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    static let keys = ["profile", "format", "pager", "history_size", "colour", "color", "row_cap"]

    /// `ZAVA_CONFIG_DIR`, else `$XDG_CONFIG_HOME/zava`, else `~/.config/zava`.
    public static func directory(environment: [String: String]) -> URL? {
        if let directory = environment["ZAVA_CONFIG_DIR"], !directory.isEmpty { return URL(fileURLWithPath: directory) }
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return URL(fileURLWithPath: config).appendingPathComponent("zava") }
        return environment["HOME"].map { URL(fileURLWithPath: $0).appendingPathComponent(".config/zava") }
    }

    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Preferences {
        let directory = directory(environment: environment)
        guard let file = directory?.appendingPathComponent("config"), FileManager.default.fileExists(atPath: file.path) else {
            var preferences = Preferences()
            preferences.directory = directory
            return preferences
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw PreferencesError(description: "cannot read \(file.path): it is a directory, not a config file")
        }
        do {
            var preferences = try parse(try String(contentsOf: file, encoding: .utf8), file: file.path)
            preferences.directory = directory
            return preferences
        } catch let error as PreferencesError {
            throw error
        } catch {
            throw PreferencesError(description: "cannot read \(file.path): \(error.localizedDescription)")
        }
    }

    static func parse(_ text: String, file: String) throws -> Preferences {
        var preferences = Preferences()
        func invalid(_ key: String, _ value: String, _ expected: String) -> PreferencesError {
            PreferencesError(description: "\(file): \(key) = \(value) is not valid: expected \(expected)")
        }
        func onOff(_ key: String, _ value: String) throws -> Bool {
            switch value.lowercased() {
            case "on", "true", "yes", "1": return true
            case "off", "false", "no", "0": return false
            default: throw invalid(key, value, "on or off")
            }
        }
        for (key, value) in KeyValueFile.parse(text) {
            switch key.lowercased() {
            case "profile": preferences.profile = value.isEmpty ? nil : value
            case "format":
                guard let format = OutputFormat(rawValue: value.lowercased()) else {
                    throw invalid(key, value, OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))
                }
                preferences.format = format
            case "pager": preferences.pager = try onOff(key, value)
            case "history_size":
                guard let size = Int(value), (0...1_000_000).contains(size) else { throw invalid(key, value, "a whole number") }
                preferences.historySize = size
            case "colour", "color":
                preferences.colour = value.lowercased() == "auto" ? nil : try onOff(key, value)
            case "row_cap":
                guard let cap = Int(value), (1...100_000_000).contains(cap) else { throw invalid(key, value, "a whole number from 1") }
                preferences.rowCap = cap
            default:
                throw PreferencesError(description: "\(file): \(key) is an unknown setting (known: \(keys.joined(separator: ", ")))")
            }
        }
        return preferences
    }
}
