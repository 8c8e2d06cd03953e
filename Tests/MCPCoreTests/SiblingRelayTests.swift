import Logging
import MCPCore
import Synchronization
import Testing

@testable import MCPTesting

/// Two routers stand for two workers of one server; the relay between them is in memory.
final class MemoryRelay: SiblingRelay {
    let instance: String
    let siblings = Mutex<[String: MessageRouter]>([:])
    let sent = Atomic<Int>(0)

    init(_ instance: String) {
        self.instance = instance
    }

    func send(_ message: RelayedMessage, to instance: String?) {
        sent.wrappingAdd(1, ordering: .relaxed)
        // Through the bytes, as between processes.
        guard let copy = RelayedMessage(bytes: message.bytes) else { return }
        for (name, router) in siblings.withLock({ $0 }) where instance == nil || name == instance {
            router.receive(relayed: copy)
        }
    }
}

/// Handshake-era sessions land on any worker: a client's answer or cancellation that reaches
/// one worker acts on the call running on another.
@Suite("Answers and cancellations across workers")
struct SiblingRelayTests {
    let relayA = MemoryRelay("101")
    let relayB = MemoryRelay("202")
    let workerA: MessageRouter
    let workerB: MessageRouter
    let logger = Logger(label: "test")

    init() throws {
        let registry = try Registry(catalogues: [AskingCatalogue()])
        let configuration = ServerConfiguration(info: ServerInfo(name: "t", version: "0"))
        workerA = MessageRouter(server: MCPServer(registry: registry, configuration: configuration), relay: relayA)
        workerB = MessageRouter(server: MCPServer(registry: registry, configuration: configuration), relay: relayB)
        relayA.siblings.withLock { $0 = ["202": workerB] }
        relayB.siblings.withLock { $0 = ["101": workerA] }
    }

    /// A client of worker A whose own answers wait at `gate`; returns it once the server asked.
    func askedClient(gate: Gate) async throws -> (MCPTestClient, Task<CallToolResult, any Error>, JSONValue) {
        let client = MCPTestClient(router: workerA, mode: .handshake(.v2025_11_25))
        client.answerRequests { _, _ in
            await gate.wait()
            return ["roots": [["uri": "file:///through-a"]]]
        }
        let call = Task { try await client.callTool("first_root") }
        for _ in 0..<500 where client.requestsReceived.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        let id = try #require(client.requestsReceived.first?["id"])
        return (client, call, id)
    }

    /// What worker B is handed when `client`'s message lands there.
    func onWorkerB(_ message: JSONValue, from client: MCPTestClient, conversation: Conversation? = nil) {
        let origin = MessageOrigin(
            session: client.session.withLock { $0 }.map { .open($0) } ?? .none,
            conversation: conversation ?? client.conversation)
        _ = workerB.route(message, from: origin, logger: logger)
    }

    @Test func theIdNamesTheWorkerThatAsked() async throws {
        let gate = Gate()
        let (_, call, id) = try await askedClient(gate: gate)
        #expect(id.stringValue?.hasPrefix("mcp-s-101.") == true)
        gate.open()
        _ = try await call.value
    }

    @Test func anAnswerThatLandsOnAnotherWorkerReachesTheCall() async throws {
        let gate = Gate()
        let (client, call, id) = try await askedClient(gate: gate)
        onWorkerB(["jsonrpc": "2.0", "id": id, "result": ["roots": [["uri": "file:///through-b"]]]], from: client)
        // The test client finishes a call only after its own answer; that one comes too late.
        gate.open()
        #expect(try await call.value.text == "file:///through-b")
        #expect(relayB.sent.load(ordering: .relaxed) == 1)
        #expect(workerB.clientRequests.droppedResponses == 0, "not dropped where it landed")
        #expect(workerA.clientRequests.waiting == 0)
    }

    @Test func aForgedAnswerRelayedFromAnotherSessionIsDroppedWhereTheCallWaits() async throws {
        let gate = Gate()
        let (client, call, id) = try await askedClient(gate: gate)
        onWorkerB(
            ["jsonrpc": "2.0", "id": id, "result": ["roots": [["uri": "file:///forged"]]]], from: client,
            conversation: Conversation("mallory"))
        for _ in 0..<500 where workerA.clientRequests.droppedResponses == 0 {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(workerA.clientRequests.droppedResponses == 1)
        gate.open()
        #expect(try await call.value.text == "file:///through-a", "only the session's own answer reaches the call")
    }

    @Test func aCancellationThatLandsOnAnotherWorkerStopsTheCall() async throws {
        let client = MCPTestClient(router: workerA, mode: .handshake(.v2025_11_25))
        let gate = Gate()
        client.answerRequests { _, _ in
            await gate.wait()
            return ["roots": []]
        }
        _ = try await client.send("ping")  // the session exists
        let call = Task {
            try await client.exchange([
                "jsonrpc": "2.0", "id": 77, "method": "tools/call", "params": ["name": "first_root", "arguments": [:]],
            ])
        }
        for _ in 0..<500 where workerA.requestsInFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(workerA.requestsInFlight == 1)
        onWorkerB(
            ["jsonrpc": "2.0", "method": "notifications/cancelled", "params": ["requestId": 77]], from: client)
        // The in-process client is still inside its own answer (held at the gate): once it is
        // let go, the call must end unanswered rather than with the answer it was given.
        gate.open()
        #expect(try await call.value == .null, "a cancelled request is not answered")
        #expect(workerA.requestsInFlight == 0 && workerA.clientRequests.waiting == 0)
    }

    @Test func aRelayedMessageSurvivesItsBytes() throws {
        let message = RelayedMessage(
            conversation: Conversation("s\"1"), principal: "alice",
            message: Array(#"{"jsonrpc":"2.0","id":1,"result":{}}"#.utf8))
        #expect(RelayedMessage(bytes: message.bytes) == message)
        #expect(RelayedMessage(bytes: Array("not json".utf8)) == nil)
    }
}
