import MCPCore
import MCPTesting
import Synchronization
import Testing

/// A tool that asks its client for the roots it may use.
@Catalogue
struct AskingCatalogue {
    /// Returns the first root the client names.
    @Tool static func first_root(context: HandlerContext) async throws -> String {
        let answer = try await context.sendRequest("roots/list", timeout: .seconds(5))
        return answer["roots"]?.arrayValue?.first?["uri"]?.stringValue ?? "none"
    }
}

/// Server→client requests, correlated in the router (issue: one message router).
@Suite("Requests to the client")
struct ClientRequestTests {
    let router = MessageRouter(
        server: MCPServer(
            registry: try! Registry(catalogues: [AskingCatalogue()]),
            configuration: ServerConfiguration(info: ServerInfo(name: "t", version: "0"))))

    func client(
        answering uri: String, gate: Gate? = nil, transport: MCPTestClient.Transport = .inProcess
    ) -> MCPTestClient {
        let client = MCPTestClient(router: router, mode: .handshake(.v2025_11_25), transport: transport)
        client.answerRequests { method, _ in
            #expect(method == "roots/list")
            await gate?.wait()
            return ["roots": [["uri": .string(uri), "name": "root"]]]
        }
        return client
    }

    @Test func eachSessionsCallGetsItsOwnClientsAnswer() async throws {
        let alice = client(answering: "file:///alice")
        let bob = client(answering: "file:///bob")
        for _ in 0..<20 {
            async let fromAlice = alice.callTool("first_root")
            async let fromBob = bob.callTool("first_root")
            let (a, b) = try await (fromAlice, fromBob)
            #expect(a.text == "file:///alice")
            #expect(b.text == "file:///bob")
        }
        #expect(router.clientRequests.waiting == 0)
        #expect(router.clientRequests.droppedResponses == 0)
    }

    @Test func overHTTPTheRequestTravelsOnTheCallsStreamAndTheAnswerComesBackByPOST() async throws {
        let alice = client(answering: "file:///alice", transport: .live)
        let bob = client(answering: "file:///bob", transport: .live)
        for _ in 0..<5 {
            async let fromAlice = alice.callTool("first_root")
            async let fromBob = bob.callTool("first_root")
            let (a, b) = try await (fromAlice, fromBob)
            #expect(a.text == "file:///alice")
            #expect(b.text == "file:///bob")
        }
        #expect(alice.requestsReceived.count == 5)
        #expect(router.clientRequests.droppedResponses == 0)
        await alice.close()
        await bob.close()
    }

    @Test func aForgedAnswerFromAnotherSessionIsDroppedAndCounted() async throws {
        let gate = Gate()
        let alice = client(answering: "file:///alice", gate: gate)
        let mallory = client(answering: "file:///mallory")
        _ = try await mallory.callTool("first_root")  // mallory's session exists
        let call = Task { try await alice.callTool("first_root") }
        var asked: JSONValue?
        for _ in 0..<500 {
            asked = alice.requestsReceived.first
            if asked != nil { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        let id = try #require(asked?["id"])
        // Mallory answers alice's request id, and so does a response with no id alice waits for.
        let forged: JSONValue = ["jsonrpc": "2.0", "id": id, "result": ["roots": [["uri": "file:///forged"]]]]
        #expect(try await mallory.exchange(forged) == .null)
        #expect(try await alice.exchange(["jsonrpc": "2.0", "id": "mcp-s-unknown", "result": [:]]) == .null)
        #expect(router.clientRequests.droppedResponses == 2)
        gate.open()
        #expect(try await call.value.text == "file:///alice", "only alice's own answer reaches her call")
    }

    @Test func aClientThatCannotBeAskedGetsAToolError() async throws {
        let modern = MCPTestClient(router: router)
        let result = try await modern.callTool("first_root")
        #expect(result.isError)
        #expect(
            result.text?.contains("no way to send it requests (a 2026-07-28 or stateless request") == true,
            "a 2026-07-28 request cannot send requests to its client, and the error says so")
    }

    @Test func aCancelledCallReleasesItsWaiter() async throws {
        let silent = MCPTestClient(router: router, mode: .handshake(.v2025_11_25))
        silent.answerRequests { _, _ in
            try await Task.sleep(for: .seconds(30))
            return [:]
        }
        let call = Task { try await silent.callTool("first_root") }
        for _ in 0..<500 where router.clientRequests.waiting == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(router.clientRequests.waiting == 1)
        call.cancel()
        _ = try? await call.value
        #expect(router.clientRequests.waiting == 0, "cancelling the caller releases the waiter")
    }
}

/// Holds callers until opened.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
