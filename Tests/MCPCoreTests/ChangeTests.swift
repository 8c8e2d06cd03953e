import MCPCore
import MCPTesting
import Synchronization
import Testing

/// A resource whose content the test changes, with a fingerprint the watcher compares.
final class Note: Sendable {
    let text = Mutex("first")

    var catalogue: any Catalogue {
        let note = self
        var resource = ResourceDefinition(uri: "mem://watched", name: "watched", output: String.self) { _, _, _ in
            note.text.withLock { $0 }
        }
        resource.fingerprint = { _ in note.text.withLock { $0 } }
        return FixedCatalogue(resources: [resource])
    }
}

/// A catalogue written by hand.
struct FixedCatalogue: Catalogue {
    var resources: [ResourceDefinition]
}

/// Changes while the server runs: declarations shown and hidden, resources updated, and who hears.
@Suite("Changes and notifications")
struct ChangeTests {
    let note = Note()

    var server: MCPServer {
        MCPServer(
            registry: try! Registry(catalogues: [SampleCatalogue(), note.catalogue]),
            configuration: ServerConfiguration(info: ServerInfo(name: "t", version: "0")))
    }

    @Test func aHiddenToolIsUnknownUntilShownAgain() async throws {
        let server = server
        let client = MCPTestClient(server: server)
        let before = try await client.listTools().count
        try await server.setEnabled(false, .tool, named: "greet")
        #expect(try await client.listTools().count == before - 1)
        let hidden = try await client.send("tools/call", ["name": "greet", "arguments": ["name": "x"]])
        #expect(hidden["error"]?["code"] == -32602, "a hidden tool answers as unknown")
        try await server.setEnabled(true, .tool, named: "greet")
        #expect(try await client.callTool("greet", ["name": "x"]).isError == false)
        await #expect(throws: RegistryError.self) { try await server.setEnabled(true, .tool, named: "invented") }
        #expect(MCPServer.capabilities(for: .v2026_07_28)["tools"]?["listChanged"] == true)
    }

    @Test func aSessionHearsListChangesAndTheUpdatesItSubscribedTo() async throws {
        let server = server
        let client = MCPTestClient(server: server, mode: .handshake(.v2025_11_25))
        #expect(try await client.result("resources/subscribe", ["uri": "mem://watched"]) == .object([:]))
        try await server.setEnabled(false, .prompt, named: "hello")
        note.text.withLock { $0 = "second" }
        await server.checkWatchedResources()  // the first look only learns the fingerprint
        note.text.withLock { $0 = "third" }
        await server.checkWatchedResources()
        let methods = client.notifications.map { $0["method"] }
        #expect(methods.contains("notifications/prompts/list_changed"))
        #expect(
            client.notifications.contains {
                $0["method"] == "notifications/resources/updated" && $0["params"]?["uri"] == "mem://watched"
            })
        _ = try await client.result("resources/unsubscribe", ["uri": "mem://watched"])
        let count = client.notifications.count
        note.text.withLock { $0 = "fourth" }
        await server.checkWatchedResources()
        #expect(client.notifications.count == count, "no updates after unsubscribing")
    }

    @Test func aModernListenerHearsOnlyWhatItAskedForTaggedWithItsID() async throws {
        let server = server
        let client = MCPTestClient(server: server)
        let listen = Task {
            try await client.send(
                "subscriptions/listen",
                ["notifications": ["toolsListChanged": true, "resourceSubscriptions": ["mem://watched"]]])
        }
        for _ in 0..<500 where client.notifications.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        try await server.setEnabled(false, .prompt, named: "hello")  // not asked for
        try await server.setEnabled(false, .tool, named: "greet")
        await server.checkWatchedResources()
        note.text.withLock { $0 = "changed" }
        await server.checkWatchedResources()
        server.subscriptions.closeAll()
        let final = try await listen.value
        let id = try #require(final["id"])
        let events = client.notifications.dropFirst()  // after the acknowledgement
        #expect(events.map { $0["method"] } == ["notifications/tools/list_changed", "notifications/resources/updated"])
        #expect(events.allSatisfy { $0["params"]?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == id })
    }

    @Test func subscriptionsAreBoundedAndNeedASession() async throws {
        let server = server
        let modern = try await MCPTestClient(server: server).send("resources/subscribe", ["uri": "mem://watched"])
        #expect(modern["error"]?["code"] == -32601, "removed in 2026-07-28 (RES-8)")
        let client = MCPTestClient(server: server, mode: .handshake(.v2025_11_25))
        let unknown = try await client.send("resources/subscribe", ["uri": "mem://nothing"])
        #expect(unknown["error"]?["code"] == -32002)
        for index in 0..<ChangeHub.subscriptionsPerSession {
            _ = try await client.result("resources/subscribe", ["uri": .string("mem://item/\(index)")])
        }
        let over = try await client.send("resources/subscribe", ["uri": "mem://watched"])
        #expect(over["error"]?["code"] == -32603)
    }
}
