import Foundation
import MCPCore
import MCPTesting

/// ``MCPTestClient``s on one router: the in-process transport.
struct InProcessServer: SuiteServer {
    let router: MessageRouter
    let workspace = temporaryWorkspace()

    init() throws {
        var configuration = ServerConfiguration(info: ServerInfo(name: "suite", version: "1"))
        configuration.toolTimeout = .seconds(30)
        router = MessageRouter(
            server: MCPServer(registry: try suiteRegistry(workspace: workspace), configuration: configuration))
    }

    func connect() async throws -> any SuiteConnection { InProcessConnection(client: MCPTestClient(router: router)) }

    func stop() async { try? FileManager.default.removeItem(atPath: workspace) }
}

struct InProcessConnection: SuiteConnection {
    let client: MCPTestClient

    func send(_ bytes: [UInt8], answerID id: JSONValue?, wait: Duration) async throws -> Outcome {
        let before = client.notifications.count
        let client = client
        let answer = try await withThrowingTaskGroup(of: JSONValue?.self) { group in
            group.addTask { try await client.exchange(bytes: bytes) }
            group.addTask {
                try await Task.sleep(for: wait)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        return Outcome(
            answer: answer == .null ? nil : answer, notifications: Array(client.notifications.dropFirst(before)))
    }

    func close() async {}
}
