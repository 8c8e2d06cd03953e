import Foundation
import InteropSupport
import MCPCore
import Testing

@testable import MCPStore

/// A hand-written catalogue with one tool, so that hiding it shows.
struct OneTool: Catalogue {
    var tools: [ToolDefinition] {
        [ToolDefinition(name: "ping_tool", description: "answers pong", output: String.self) { _, _ in "pong" }]
    }
}

/// Two servers on one SQLite file stand for two workers: what one announces, the other applies
/// and announces to its own listeners (the runtime's ChangeService does the same loop).
@Suite("The store as the servers' change feed")
struct SharedChangeFeedTests {
    let scratch: ScratchFolder
    let path: String

    init() throws {
        scratch = try ScratchFolder("mcp-feed-test")
        path = scratch.file("feed.sqlite3")
    }

    func worker(_ name: String) throws -> (MCPServer, SQLiteTaskStore) {
        let store = try SQLiteTaskStore(path: path, origin: name)
        var configuration = ServerConfiguration(info: ServerInfo(name: name, version: "0"))
        configuration.changeFeed = store
        return (MCPServer(registry: try Registry(catalogues: [OneTool()]), configuration: configuration), store)
    }

    @Test func aToolHiddenOnOneWorkerIsHiddenOnTheOther() async throws {
        let (first, firstStore) = try worker("w1")
        let (second, secondStore) = try worker("w2")
        defer {
            firstStore.close()
            secondStore.close()
        }
        // Subscribed before anything is published (as the runtime's ChangeService is at start-up).
        let applying = [(first, firstStore.changes()), (second, secondStore.changes())].map { server, changes in
            Task {
                for await change in changes { await server.receive(change) }
            }
        }
        defer { applying.forEach { $0.cancel() } }
        try await first.setEnabled(false, .tool, named: "ping_tool")
        // Delivered by the second worker's poller; no clock is asserted, only the outcome.
        while second.registry.tool(named: "ping_tool") != nil { try await Task.sleep(for: .milliseconds(20)) }
        while first.registry.tool(named: "ping_tool") != nil { try await Task.sleep(for: .milliseconds(20)) }
        try await second.setEnabled(true, .tool, named: "ping_tool")
        // Both apply it when it comes back through the feed, the announcing worker included.
        while first.registry.tool(named: "ping_tool") == nil { try await Task.sleep(for: .milliseconds(20)) }
        while second.registry.tool(named: "ping_tool") == nil { try await Task.sleep(for: .milliseconds(20)) }
    }
}
