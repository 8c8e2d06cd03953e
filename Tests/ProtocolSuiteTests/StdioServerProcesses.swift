import Foundation
import InteropSupport
import MCPCore

/// The real binary on stdio: each connection is a process of its own, as stdio clients have.
final class StdioServerProcesses: SuiteServer {
    func connect() async throws -> any SuiteConnection {
        let connection = StdioConnection(process: try StdioProcess(environment: ["ENABLE_DEMO_TOOLS": "true"]))
        // Like a client that starts a process: wait until it answers (a loaded machine may take
        // seconds to start it), so each case's own deadlines measure the server, not the start.
        let ping: JSONValue = ["jsonrpc": "2.0", "id": "ready", "method": "ping"]
        let ready = try await connection.send(JSONWriter.bytes(ping), answerID: "ready", wait: .seconds(60))
        guard ready.answer?["result"] != nil else {
            connection.process.stop()
            throw StdioNotReady()
        }
        return connection
    }

    struct StdioNotReady: Error {}

    func stop() async {}
}

struct StdioConnection: SuiteConnection {
    let process: StdioProcess

    func send(_ bytes: [UInt8], answerID id: JSONValue?, wait: Duration) async throws -> Outcome {
        let start = process.output.count
        process.send(bytes: bytes + [10])
        guard let id else { return Outcome() }
        let deadline = ContinuousClock.now + wait
        while ContinuousClock.now < deadline {
            let lines = try process.output.dropFirst(start).map { try JSONParser.parse($0) }
            if let answer = lines.first(where: { Self.answers($0, id) }) {
                return Outcome(answer: answer, notifications: lines.filter { $0["id"] == nil })
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let lines = try process.output.dropFirst(start).map { try JSONParser.parse($0) }
        return Outcome(answer: nil, notifications: lines.filter { $0["id"] == nil })
    }

    /// True when `message` answers the request `id`; for a batch (`[]`) its array of answers,
    /// or the error refusing the whole batch.
    static func answers(_ message: JSONValue, _ id: JSONValue) -> Bool {
        if id == .array([]) {
            if case .array = message { return true }
            return message["error"] != nil && message["id"] == .null
        }
        return message["id"] == id && message["method"] == nil
    }

    func close() async { process.stop() }
}
