import Foundation
import MCPCore
import MCPHTTP
import MCPPlatform
import Testing

@testable import MCPRuntime

/// The runtime folder is private: an unpredictable new folder each run, mode 0700, a configured
/// parent that is not ours is refused, and its files are never opened through a link.
@Suite("Runtime folder")
struct RuntimeFolderTests {
    func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "rt-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        chmod(path, 0o700)
        return path
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func eachRunGetsAFreshPrivateFolderWithAnUnpredictableName() throws {
        let parent = try scratch()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let first = try RuntimeDirectory.create(in: parent)
        let second = try RuntimeDirectory.create(in: parent)
        #expect(first.path != second.path)
        #expect(first.path.hasPrefix(parent + "/mcp-server-"))
        #expect(first.path.count == (parent + "/mcp-server-").count + 8)
        #expect(try mode(first.path) == 0o700 && mode(first.metrics) == 0o700)
        #expect(first.persistent == parent)
        let temporary = try RuntimeDirectory.create(in: nil)
        defer { temporary.remove() }
        #expect(temporary.persistent == temporary.path)
        #expect(!temporary.path.contains("\(getpid())"))
    }

    @Test func aParentOpenToOthersALinkOrAFileIsRefused() throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let open = base + "/open"
        mkdir(open, 0o777)
        chmod(open, 0o777)
        #expect(throws: (any Error).self) { try RuntimeDirectory.create(in: open) }
        let link = base + "/link"
        let target = try scratch()
        defer { try? FileManager.default.removeItem(atPath: target) }
        symlink(target, link)
        #expect(throws: (any Error).self) { try RuntimeDirectory.create(in: link) }
        _ = FileManager.default.createFile(atPath: base + "/file", contents: Data())
        #expect(throws: (any Error).self) { try RuntimeDirectory.create(in: base + "/file") }
        // Missing: created, private.
        let fresh = try RuntimeDirectory.create(in: base + "/new")
        #expect(try mode(base + "/new") == 0o700)
        #expect(FileManager.default.fileExists(atPath: fresh.path))
    }

    @Test func aWorkerRefusesAFolderThatIsNotPrivate() throws {
        let parent = try scratch()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let run = try RuntimeDirectory.create(in: parent)
        #expect(try RuntimeDirectory.adopt(path: run.path, persistent: parent).path == run.path)
        chmod(run.path, 0o755)
        #expect(throws: (any Error).self) { try RuntimeDirectory.adopt(path: run.path, persistent: parent) }
    }

    @Test func filesAreNeverWrittenOrReadThroughALink() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let victim = folder + "/victim"
        _ = FileManager.default.createFile(atPath: victim, contents: Data("precious".utf8))
        symlink(victim, folder + "/retired.prom")
        #expect(PrivateFile.readText(folder + "/retired.prom") == nil)
        // A write replaces the link itself (rename), never the file it points to.
        #expect(PrivateFile.write("new", to: folder + "/retired.prom"))
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        #expect(PrivateFile.readText(folder + "/retired.prom") == "new")
        // A table is not opened through a link either.
        symlink(victim, folder + "/sessions.table")
        #expect(throws: (any Error).self) {
            try SharedSessionRegistry(path: folder + "/sessions.table", capacity: 4, idleTTL: 60)
        }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
    }
}
