import Foundation
import Testing
@testable import ZavaCore

/// `ZAVA_ALLOWED_HOSTS` / `ZAVA_ALLOWED_ORIGINS`: the Host and Origin allow-lists of a container,
/// whose image cannot know the names it will be reached by (docs/deploy.md).
@Suite struct AllowListSettingsTests {
    func settings(_ values: [String: String]) throws -> Settings {
        try Settings(values: values, directory: URL(fileURLWithPath: "/tmp"))
    }

    @Test func unsetOrBlankIsEmpty() throws {
        #expect(try settings([:]).allowedHosts.isEmpty)
        #expect(try settings(["ZAVA_ALLOWED_HOSTS": "", "ZAVA_ALLOWED_ORIGINS": " , "]).allowedOrigins.isEmpty)
    }

    @Test func commasAndWhiteSpaceSeparateValues() throws {
        let parsed = try settings([
            "ZAVA_ALLOWED_HOSTS": "zava.example.com, localhost:*\n10.0.0.5:8000,,",
            "ZAVA_ALLOWED_ORIGINS": "https://ide.example.com https://vscode.dev",
        ])
        #expect(parsed.allowedHosts == ["zava.example.com", "localhost:*", "10.0.0.5:8000"])
        #expect(parsed.allowedOrigins == ["https://ide.example.com", "https://vscode.dev"])
    }
}
