import MCPCore
import MCPTesting
import Testing

/// `subscriptions/listen` through the protocol core (MCP-REQUIREMENTS §14a).
@Suite("Subscriptions, 2026-07-28")
struct SubscriptionsTests {
    /// Waits (bounded) until the client received `count` notifications.
    func received(_ client: MCPTestClient, _ count: Int) async throws -> [JSONValue] {
        for _ in 0..<500 where client.notifications.count < count { try await Task.sleep(for: .milliseconds(10)) }
        return client.notifications
    }

    @Test func acknowledgesFirstThenAnswersWhenTheServerCloses() async throws {
        let client = try MCPTestClient(catalogues: [SampleCatalogue()])
        let listen = Task {
            try await client.send(
                "subscriptions/listen",
                [
                    "notifications": [
                        "toolsListChanged": true, "promptsListChanged": true, "resourceSubscriptions": ["x"],
                    ]
                ])
        }
        let acknowledgement = try #require(try await received(client, 1).first)
        #expect(acknowledgement["method"] == "notifications/subscriptions/acknowledged")
        #expect(acknowledgement["id"] == nil, "a notification")
        let subscriptionID = try #require(
            acknowledgement["params"]?["_meta"]?["io.modelcontextprotocol/subscriptionId"])
        #expect(subscriptionID.intValue != nil, "the listen request's id, with its type")
        // Lists change at run time and resources can be subscribed: every kind asked for (SUB-2).
        #expect(
            acknowledgement["params"]?["notifications"] == [
                "toolsListChanged": true, "promptsListChanged": true, "resourceSubscriptions": ["x"],
            ])
        #expect(client.server.subscriptions.count == 1)

        client.server.subscriptions.closeAll()
        let response = try await listen.value
        #expect(response["id"] == subscriptionID)
        #expect(response["result"]?["resultType"] == "complete")
        #expect(response["result"]?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == subscriptionID)
        #expect(client.server.subscriptions.count == 0)
    }

    @Test func aCancelledListenEndsAndFreesItsSlot() async throws {
        let client = try MCPTestClient(catalogues: [SampleCatalogue()])
        let listen = Task { try await client.send("subscriptions/listen", ["notifications": [:]]) }
        _ = try await received(client, 1)
        listen.cancel()
        _ = try await listen.value
        #expect(client.server.subscriptions.count == 0)
    }

    @Test func limitsOpenListensPerClient() async throws {
        let client = try MCPTestClient(catalogues: [SampleCatalogue()])
        let limit = client.server.subscriptions.perClient
        let listens = (0..<limit).map { _ in
            Task { try await client.send("subscriptions/listen", ["notifications": [:]]) }
        }
        _ = try await received(client, limit)
        let refused = try await client.send("subscriptions/listen", ["notifications": [:]])
        #expect(refused["error"]?["code"] == -32603)
        #expect(refused["error"]?["message"]?.stringValue?.contains("too many subscriptions") == true)
        client.server.subscriptions.closeAll()
        for listen in listens { #expect(try await listen.value["result"]?["resultType"] == "complete") }
    }

    @Test func aListenWithoutItsFilterIsInvalidParams() async throws {
        let client = try MCPTestClient(catalogues: [SampleCatalogue()])
        #expect(try await client.send("subscriptions/listen")["error"]?["code"] == -32602)
        #expect(
            try await client.send("subscriptions/listen", ["notifications": true])["error"]?["code"] == -32602)
        #expect(client.notifications.isEmpty, "no acknowledgement for a refused listen")
    }

    @Test func theHandshakeEraDoesNotKnowListen() async throws {
        let client = try MCPTestClient(catalogues: [SampleCatalogue()], mode: .handshake(.v2025_11_25))
        let response = try await client.send("subscriptions/listen", ["notifications": [:]])
        #expect(response["error"]?["code"] == -32601)
    }
}
