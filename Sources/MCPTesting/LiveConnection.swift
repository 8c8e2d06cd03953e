import Logging
import MCPCore
import MCPHTTP
import NIOCore
import NIOHTTP1
import Synchronization

/// The `.live` side of ``MCPTestClient``: the server on a loopback port, and each message sent
/// as a Streamable HTTP POST with the headers a real client sends (routing headers in
/// 2026-07-28; `Mcp-Session-Id` and the negotiated version inside a session). Answers come
/// back as JSON or SSE; requests the server sends on a stream are answered with a POST.
final class LiveConnection: Sendable {
    private struct State {
        var starting: Task<MCPHTTPService, any Error>?
        var sessionID: String?
        var version: String?
    }

    let router: MessageRouter
    let logger: Logger
    private let state = Mutex(State())

    init(router: MessageRouter, logger: Logger) {
        self.router = router
        self.logger = logger
    }

    /// The server, started on first use with sessions on (so the handshake era gets a session).
    private func service() async throws -> MCPHTTPService {
        let task = state.withLock { state -> Task<MCPHTTPService, any Error> in
            if let starting = state.starting { return starting }
            let router = router
            let logger = logger
            let starting = Task {
                var configuration = HTTPConfiguration()
                configuration.listener = .bind(host: "127.0.0.1", port: 0)
                configuration.statelessHTTP = false
                let service = MCPHTTPService(
                    server: router.server, configuration: configuration, logger: logger, router: router)
                try await service.start()
                return service
            }
            state.starting = starting
            return starting
        }
        return try await task.value
    }

    func close() async {
        guard let task = state.withLock({ $0.starting }), let service = try? await task.value else { return }
        await service.shutdown()
    }

    func exchange(_ bytes: [UInt8], client: MCPTestClient) async throws -> JSONValue {
        let message = (try? JSONParser.parse(bytes)) ?? .null
        let service = try await service()
        let http = HTTPTestClient(port: service.localAddress?.port ?? 0)
        let method = message["method"]?.stringValue
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")]
        let (sessionID, negotiated) = state.withLock { ($0.sessionID, $0.version) }
        if let version = message["params"]?["_meta"]?[Envelope.protocolVersionKey]?.stringValue {
            headers.append(("MCP-Protocol-Version", version))
            if let method { headers.append(("Mcp-Method", method)) }
            if let name = message["params"]?["name"]?.stringValue ?? message["params"]?["uri"]?.stringValue {
                headers.append(("Mcp-Name", name))
            }
        } else if let sessionID, method != "initialize" {
            headers.append(("Mcp-Session-Id", sessionID))
            if let negotiated { headers.append(("MCP-Protocol-Version", negotiated)) }
        }
        var isStream = false
        var body: [UInt8] = []
        var answer: JSONValue?
        for try await part in try await http.stream("POST", "/mcp", headers: headers, body: bytes) {
            switch part {
            case .head(let head):
                isStream = head.headers["content-type"].first?.hasPrefix("text/event-stream") == true
                if method == "initialize", let id = head.headers["mcp-session-id"].first {
                    state.withLock { $0.sessionID = id }
                }
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
                guard isStream else { continue }
                for event in Self.takeEvents(&body) {
                    if event["id"] == message["id"], event["method"] == nil {
                        answer = event
                    } else {
                        await client.receive(event) { response in _ = try? await client.exchange(response)
                        }
                    }
                }
            case .end:
                break
            }
        }
        if isStream { return answer ?? .null }
        // No body: a notification taken (202), a cancelled request, or an unknown session (404).
        guard !body.isEmpty, let response = try? JSONParser.parse(body) else { return .null }
        if method == "initialize", let version = response["result"]?["protocolVersion"]?.stringValue {
            state.withLock { $0.version = version }
        }
        return response
    }

    /// The complete SSE events at the front of `buffer` (their `data:` JSON), removed from it.
    static func takeEvents(_ buffer: inout [UInt8]) -> [JSONValue] {
        var events: [JSONValue] = []
        let separator: [UInt8] = [10, 10]
        while let end = buffer.firstRange(of: separator) {
            let text = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
            buffer.removeSubrange(..<end.upperBound)
            for line in text.split(separator: "\n") where line.hasPrefix("data: ") {
                if let value = try? JSONParser.parse(String(line.dropFirst(6))) { events.append(value) }
            }
        }
        return events
    }
}
