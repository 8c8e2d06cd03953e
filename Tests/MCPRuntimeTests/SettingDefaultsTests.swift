import Foundation
import Testing

@testable import MCPRuntime

/// `ServerDefinition.defaults`: a server's own defaults sit below flags, the environment and `.env`.
@Suite("A server's setting defaults")
struct SettingDefaultsTests {
    func settings(flags: [String: String] = [:], environment: [String: String] = [:]) async throws -> ServerSettings {
        try ServerSettings(
            reading: try await SettingsReader.layered(
                flags: flags, environment: environment, dotEnvPath: nil, defaults: ["TRANSPORT": "stdio"]))
    }

    @Test func applyWhenNothingElseSetsTheKey() async throws {
        #expect(try await settings().transport == .stdio)
    }

    @Test func yieldToTheEnvironmentAndFlags() async throws {
        #expect(try await settings(environment: ["TRANSPORT": "streamable-http"]).transport == .streamableHTTP)
        #expect(try await settings(flags: ["TRANSPORT": "sse"]).transport == .sse)
    }

    @Test func yieldToTheEnvironmentFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("defaults-\(UUID().uuidString).env")
        try Data("TRANSPORT=streamable-http\n".utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let reader = try await SettingsReader.layered(
            flags: [:], environment: [:], dotEnvPath: path.path, defaults: ["TRANSPORT": "stdio"])
        #expect(try ServerSettings(reading: reader).transport == .streamableHTTP)
    }
}
