import ExampleServer
import Foundation
import InteropSupport
import Logging
import MCPCore
import MCPHTTP
import MCPTesting
import Testing

/// The transports the shared protocol suite runs every case on.
enum SuiteTransport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// ``MCPTestClient`` in process, through the router.
    case inProcess
    /// The real `mcp-server` binary on stdio.
    case stdio
    /// Streamable HTTP, `STATELESS_HTTP=true` (the default).
    case httpStateless
    /// Streamable HTTP with sessions (`STATELESS_HTTP=false`).
    case httpSessions
    /// The deprecated HTTP+SSE transport.
    case legacySSE

    var testDescription: String { rawValue }

    /// The handshake must come first here: a process's or a stream's own session.
    var initializeFirst: Bool { self == .inProcess || self == .stdio || self == .legacySSE }

    /// A handshake leaves a session that later requests (and `notifications/cancelled`) belong to.
    var keepsSessions: Bool { self != .httpStateless }

    /// HTTP statuses are part of the answer.
    var isHTTP: Bool { self == .httpStateless || self == .httpSessions || self == .legacySSE }

    func start() async throws -> any SuiteServer {
        switch self {
        case .inProcess: return try InProcessServer()
        case .stdio: return StdioServerProcesses()
        case .httpStateless: return try await HTTPSuiteServer(stateless: true, legacy: false)
        case .httpSessions: return try await HTTPSuiteServer(stateless: false, legacy: false)
        case .legacySSE: return try await HTTPSuiteServer(stateless: true, legacy: true)
        }
    }
}

/// What the server sent for one message.
struct Outcome: Sendable {
    /// The response, or the array answering a batch; nil when none came.
    var answer: JSONValue?
    /// Notifications the server sent on the way (progress, log messages).
    var notifications: [JSONValue] = []
    /// The HTTP status of the exchange, where there is one.
    var status: Int?
}

/// A server under test that clients connect to.
protocol SuiteServer: Sendable {
    func connect() async throws -> any SuiteConnection
    func stop() async
}

/// One client's connection, carrying raw JSON-RPC messages.
protocol SuiteConnection: Sendable {
    /// Sends `bytes` as one message and waits up to `wait` for the answer with `id` (or for an
    /// array, answering a batch, when `id` is `.array([])`); nil `id` waits for nothing.
    func send(_ bytes: [UInt8], answerID id: JSONValue?, wait: Duration) async throws -> Outcome
    func close() async
}

extension SuiteConnection {
    /// Sends a message and waits for its answer (none for notifications).
    @discardableResult
    func send(_ message: JSONValue, wait: Duration = .seconds(10)) async throws -> Outcome {
        let id: JSONValue? = if case .array = message { .array([]) } else { message["id"] }
        return try await send(JSONWriter.bytes(message), answerID: id, wait: wait)
    }

    /// `initialize` at `version`, then `notifications/initialized`; returns the result.
    @discardableResult
    func handshake(_ version: String = "2025-11-25") async throws -> JSONValue? {
        let result = try await send(Message.initialize(version)).answer?["result"]
        try await send(Message.notification("notifications/initialized"))
        return result
    }
}

/// Runs `body` with a fresh server of `transport`, stopped afterwards.
func withSuiteServer(
    _ transport: SuiteTransport, _ body: (any SuiteServer) async throws -> Void
) async throws {
    let server = try await transport.start()
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// Runs `body` with one connection to a fresh server of `transport`.
func withConnection(
    _ transport: SuiteTransport, _ body: (any SuiteConnection) async throws -> Void
) async throws {
    try await withSuiteServer(transport) { server in
        let connection = try await server.connect()
        do {
            try await body(connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }
}

/// The messages the cases send.
enum Message {
    static let envelope: JSONObject = [
        Envelope.protocolVersionKey: "2026-07-28", Envelope.clientCapabilitiesKey: [:],
        Envelope.clientInfoKey: ["name": "suite", "version": "1"],
    ]

    /// A 2026-07-28 request: the envelope (plus `meta`) in `_meta`.
    static func modern(
        _ id: JSONValue, _ method: String, _ params: JSONObject = [:], meta: JSONObject = [:]
    )
        -> JSONValue
    {
        var params = params
        var full = envelope
        for (key, value) in meta { full[key] = value }
        params["_meta"] = .object(full)
        return ["jsonrpc": "2.0", "id": id, "method": .string(method), "params": .object(params)]
    }

    /// A handshake-era request (no envelope).
    static func plain(_ id: JSONValue, _ method: String, _ params: JSONObject = [:]) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "method": .string(method), "params": .object(params)]
    }

    static func initialize(_ version: String, id: JSONValue = 0) -> JSONValue {
        plain(
            id, "initialize",
            [
                "protocolVersion": .string(version), "capabilities": [:],
                "clientInfo": ["name": "suite", "version": "1"],
            ])
    }

    static func notification(_ method: String, _ params: JSONObject = [:]) -> JSONValue {
        ["jsonrpc": "2.0", "method": .string(method), "params": .object(params)]
    }

    static func cancelled(_ id: JSONValue) -> JSONValue {
        notification("notifications/cancelled", ["requestId": id, "reason": "suite"])
    }

    /// `long_task` (a demo tool): `steps` steps of `stepMilliseconds`, with progress.
    static func longTask(
        _ id: JSONValue, steps: Int, stepMilliseconds: Int, modern: Bool, meta: JSONObject = [:]
    ) -> JSONValue {
        let params: JSONObject = [
            "name": "long_task", "arguments": ["steps": .int(steps), "step_ms": .int(stepMilliseconds)],
        ]
        if modern { return Self.modern(id, "tools/call", params, meta: meta) }
        var plainParams = params
        if !meta.isEmpty { plainParams["_meta"] = .object(meta) }
        return plain(id, "tools/call", plainParams)
    }

    static func add(_ id: JSONValue, _ a: Int, _ b: Int, modern: Bool) -> JSONValue {
        let params: JSONObject = ["name": "add", "arguments": ["a": .int(a), "b": .int(b)]]
        return modern ? Self.modern(id, "tools/call", params) : plain(id, "tools/call", params)
    }
}

/// The example catalogue with the demo tools, as every in-process server of the suite serves it.
func suiteRegistry(workspace: String) throws -> Registry {
    try ExampleCatalogue.registry(
        settings: AppSettings(), workspace: try Workspace(path: workspace), regexTimeout: .milliseconds(300),
        demoTools: true)
}

func temporaryWorkspace() -> String { NSTemporaryDirectory() + "mcp-suite-" + UUID().uuidString }
