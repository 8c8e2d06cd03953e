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

    /// Backdates a folder's last change by two minutes, past the sweep's one-minute grace.
    func age(_ path: String) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-120)], ofItemAtPath: path)
    }

    @Test func theNextRunRemovesTheFolderOfARunThatWasKilled() throws {
        let parent = try scratch()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let live = try RuntimeDirectory.create(in: parent)
        let killed = try RuntimeDirectory.create(in: parent)
        killed.runLock?.close()  // what the kernel does when its creator is killed
        let justKilled = try RuntimeDirectory.create(in: parent)
        justKilled.runLock?.close()
        // A killed supervisor whose worker still drains: the worker's hold keeps the folder.
        let orphaned = try RuntimeDirectory.create(in: parent)
        let worker = try RuntimeDirectory.adopt(path: orphaned.path, persistent: nil)
        orphaned.runLock?.close()
        // An older version's folder has no run lock; one open to others is not ours to judge.
        let older = parent + "/mcp-server-0lderRun"
        mkdir(older, 0o700)
        let open = try RuntimeDirectory.create(in: parent)
        open.runLock?.close()
        chmod(open.path, 0o755)
        for folder in [live.path, killed.path, orphaned.path, older, open.path] { try age(folder) }

        #expect(RuntimeDirectory.sweepAbandoned(in: parent) == [killed.path])
        for folder in [live.path, justKilled.path, orphaned.path, older, open.path] {
            #expect(FileManager.default.fileExists(atPath: folder), "\(folder)")
        }
        worker.runLock?.close()  // the worker exits
        #expect(RuntimeDirectory.sweepAbandoned(in: parent) == [orphaned.path])
        // justKilled changed less than a minute ago: it may be a run that has not locked yet.
        #expect(RuntimeDirectory.sweepAbandoned(in: parent, now: Date().addingTimeInterval(120)) == [justKilled.path])

        // Each new run sweeps on its way in.
        let another = try RuntimeDirectory.create(in: parent)
        another.runLock?.close()
        try age(another.path)
        let next = try RuntimeDirectory.create(in: parent)
        #expect(!FileManager.default.fileExists(atPath: another.path))
        #expect(FileManager.default.fileExists(atPath: live.path) && FileManager.default.fileExists(atPath: next.path))
        live.remove()
        next.remove()
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
