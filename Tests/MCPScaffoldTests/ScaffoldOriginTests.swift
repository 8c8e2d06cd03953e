import ArgumentParser
import Foundation
import Testing

@testable import MCPScaffold

/// `mcp-server new` without `--url` or `--local`: the scaffold's location is read from the
/// checkout, never guessed.
@Suite("Where a new package gets the scaffold from")
struct ScaffoldOriginTests {
    /// A git repository in a temporary folder, with one commit.
    func checkout(_ commands: [[String]] = []) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("origin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let setup: [[String]] = [
            ["init", "-q"],
            ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "one"],
        ]
        for arguments in setup + commands {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-C", folder.path] + arguments
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "git \(arguments)")
        }
        return folder
    }

    @Test func aCheckoutWithoutARemoteIsDependedOnByPath() throws {
        let folder = try checkout([["tag", "v1.2.0"]])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(ScaffoldOrigin.dependency(checkout: folder) == .local(path: folder.standardizedFileURL.path))
    }

    @Test func aRemoteWithoutAReleaseTagIsNotEnough() throws {
        let folder = try checkout([["remote", "add", "origin", "https://example.com/org/scaffold.git"]])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(ScaffoldOrigin.dependency(checkout: folder) == .local(path: folder.standardizedFileURL.path))
    }

    @Test func aPublishedReleaseIsDependedOnByURLAndVersion() throws {
        let folder = try checkout([
            ["remote", "add", "origin", "https://example.com/org/scaffold.git"], ["tag", "v1.4.2"],
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(
            ScaffoldOrigin.dependency(checkout: folder)
                == .remote(url: "https://example.com/org/scaffold.git", version: "1.4.2"))
    }

    @Test func aRemoteOnThisMachineOnlyIsDependedOnByPath() throws {
        let folder = try checkout([["remote", "add", "origin", "/srv/git/scaffold.git"], ["tag", "1.0.0"]])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(ScaffoldOrigin.dependency(checkout: folder) == .local(path: folder.standardizedFileURL.path))
    }

    @Test func onlySemanticVersionTagsAreReleases() {
        #expect(ScaffoldOrigin.semanticVersion("v1.2.3") == "1.2.3")
        #expect(ScaffoldOrigin.semanticVersion("2.0.0-beta.1") == "2.0.0-beta.1")
        #expect(ScaffoldOrigin.semanticVersion("1.2") == nil)
        #expect(ScaffoldOrigin.semanticVersion("release-1") == nil)
        #expect(ScaffoldOrigin.publishable("git@github.com:org/scaffold.git") != nil)
        #expect(ScaffoldOrigin.publishable("../scaffold") == nil)
    }

    @Test func urlAndLocalExcludeEachOther() {
        #expect(throws: (any Error).self) {
            try NewCommand.parse(["demo", "--local", "/s", "--url", "https://example.com/s.git"])
        }
    }
}
