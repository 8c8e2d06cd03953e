import Foundation
import Logging
import MCPCore
import MCPHTTP
import MCPTesting
import NIOCore
import NIOHTTP1
import Synchronization

/// The example catalogue served over HTTP in process: Streamable HTTP, or the legacy HTTP+SSE
/// transport when `legacy`.
struct HTTPSuiteServer: SuiteServer {
    let service: MCPHTTPService
    let workspace = temporaryWorkspace()
    let legacy: Bool

    init(stateless: Bool, legacy: Bool) async throws {
        var configuration = HTTPConfiguration()
        configuration.listener = .bind(host: "127.0.0.1", port: 0)
        configuration.statelessHTTP = stateless
        configuration.legacySSE = legacy
        configuration.sseKeepAliveInterval = 0.2
        // Generous: a loaded test machine may take seconds between connecting and sending.
        configuration.keepAliveTimeout = 60
        var serverConfiguration = ServerConfiguration(info: ServerInfo(name: "suite", version: "1"))
        serverConfiguration.toolTimeout = .seconds(30)
        var logger = Logger(label: "suite")
        logger.logLevel = .critical
        service = MCPHTTPService(
            server: MCPServer(registry: try suiteRegistry(workspace: workspace), configuration: serverConfiguration),
            configuration: configuration, logger: logger)
        try await service.start()
        self.legacy = legacy
    }

    var client: HTTPTestClient { HTTPTestClient(port: service.localAddress?.port ?? 0) }

    func connect() async throws -> any SuiteConnection {
        legacy ? try await LegacySSEConnection.open(client) : StreamableConnection(client: client)
    }

    func stop() async {
        await service.shutdown()
        try? FileManager.default.removeItem(atPath: workspace)
    }
}

/// One Streamable HTTP client: routing headers on enveloped requests, its session's id and
/// version on the others once `initialize` gave it one.
final class StreamableConnection: SuiteConnection {
    let client: HTTPTestClient
    private let session = Mutex<(id: String?, version: String?)>((nil, nil))

    init(client: HTTPTestClient) {
        self.client = client
    }

    func send(_ bytes: [UInt8], answerID id: JSONValue?, wait: Duration) async throws -> Outcome {
        let message = (try? JSONParser.parse(bytes)) ?? .null
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")]
        let (sessionID, negotiated) = session.withLock { ($0.id, $0.version) }
        if let version = message["params"]?["_meta"]?[Envelope.protocolVersionKey]?.stringValue {
            headers.append(("MCP-Protocol-Version", version))
            if let method = message["method"]?.stringValue { headers.append(("Mcp-Method", method)) }
            if let name = message["params"]?["name"]?.stringValue ?? message["params"]?["uri"]?.stringValue {
                headers.append(("Mcp-Name", name))
            }
        } else if let sessionID {
            headers.append(("Mcp-Session-Id", sessionID))
            if let negotiated { headers.append(("MCP-Protocol-Version", negotiated)) }
        }
        // The answer, or its absence, is complete when the response ends; `wait` is how long
        // stdio looks for one, so here it only bounds a hang (never below 10 s on a loaded machine).
        let response = try await client.send(
            "POST", "/mcp", headers: headers, body: bytes, timeout: max(wait, .seconds(10)))
        if message["method"] == "initialize", response.status == 200 {
            let version = response.json?["result"]?["protocolVersion"]?.stringValue
            let newID = response.header("mcp-session-id")
            session.withLock { session in
                if let newID { session = (newID, version) }
            }
        }
        let messages = response.messages
        let answer = messages.first { message in
            guard let id else { return false }
            return StdioConnection.answers(message, id)
        }
        return Outcome(answer: answer, notifications: messages.filter { $0["id"] == nil }, status: response.status)
    }

    func close() async {}
}

/// One client of the HTTP+SSE transport: its stream, read in the background, and POSTs to the
/// endpoint the stream named.
final class LegacySSEConnection: SuiteConnection {
    /// What the stream brought so far.
    final class StreamLog: Sendable {
        let endpoint = Mutex<String?>(nil)
        let events = Mutex<[JSONValue]>([])

        /// Takes the complete events at the front of `pending`.
        func take(_ pending: inout [UInt8]) {
            while let end = pending.firstRange(of: [10, 10]) {
                let text = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
                pending.removeSubrange(..<end.upperBound)
                let lines = text.split(separator: "\n")
                guard let data = lines.first(where: { $0.hasPrefix("data: ") })?.dropFirst(6) else { continue }
                if lines.contains("event: endpoint") {
                    endpoint.withLock { $0 = String(data) }
                } else if let value = try? JSONParser.parse(String(data)) {
                    events.withLock { $0.append(value) }
                }
            }
        }
    }

    let client: HTTPTestClient
    let log: StreamLog
    let reader: Task<Void, Never>

    init(client: HTTPTestClient) {
        self.client = client
        let log = StreamLog()
        self.log = log
        self.reader = Task {
            guard let stream = try? await client.stream("GET", "/sse", headers: [("Accept", "text/event-stream")])
            else { return }
            var pending: [UInt8] = []
            do {
                for try await part in stream {
                    guard case .body(var buffer) = part else { continue }
                    pending += buffer.readBytes(length: buffer.readableBytes) ?? []
                    log.take(&pending)
                }
            } catch {}
        }
    }

    static func open(_ client: HTTPTestClient) async throws -> LegacySSEConnection {
        let connection = LegacySSEConnection(client: client)
        for _ in 0..<500 where connection.log.endpoint.withLock({ $0 }) == nil {
            try await Task.sleep(for: .milliseconds(10))
        }
        return connection
    }

    func send(_ bytes: [UInt8], answerID id: JSONValue?, wait: Duration) async throws -> Outcome {
        let endpoint = log.endpoint.withLock { $0 } ?? "/messages"
        let start = log.events.withLock { $0.count }
        let response = try await client.send(
            "POST", endpoint, headers: [("Content-Type", "application/json")], body: bytes)
        let deadline = ContinuousClock.now + wait
        while let id, ContinuousClock.now < deadline {
            let events = log.events.withLock { Array($0.dropFirst(start)) }
            if let answer = events.first(where: { StdioConnection.answers($0, id) }) {
                return Outcome(
                    answer: answer, notifications: events.filter { $0["id"] == nil }, status: response.status)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let events = log.events.withLock { Array($0.dropFirst(start)) }
        return Outcome(answer: nil, notifications: events.filter { $0["id"] == nil }, status: response.status)
    }

    func close() async { reader.cancel() }
}
