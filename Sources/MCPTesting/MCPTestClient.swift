import Logging
public import MCPCore
import Synchronization

/// An in-process client for testing servers built with the scaffold, in either era, without a
/// transport: requests go straight to ``MCPServer`` and answers come back parsed.
///
/// ```swift
/// let client = try MCPTestClient(catalogues: [Calculator()])
/// let result = try await client.callTool("add", ["a": 2, "b": 3])
/// #expect(result["structuredContent"]?["result"] == 5.0)
/// ```
public final class MCPTestClient: Sendable {
    /// Which era the client speaks.
    public enum Mode: Sendable {
        /// 2026-07-28: every request carries the envelope.
        case modern
        /// The handshake era at the given revision: `initialize` first, then a session.
        case handshake(ProtocolVersion)
    }

    public let server: MCPServer
    public let mode: Mode
    private let session = Mutex<SessionState?>(nil)
    private let received = Mutex<[JSONValue]>([])
    private let nextID = Atomic<Int>(1)
    let logger: Logger

    public init(server: MCPServer, mode: Mode = .modern) {
        self.server = server
        self.mode = mode
        var logger = Logger(label: "mcp.test-client")
        logger.logLevel = .critical
        self.logger = logger
    }

    /// A client of a fresh server offering `catalogues`.
    public convenience init(catalogues: [any Catalogue], mode: Mode = .modern) throws {
        let registry = try Registry(catalogues: catalogues)
        self.init(
            server: MCPServer(
                registry: registry, configuration: ServerConfiguration(info: ServerInfo(name: "test", version: "0"))),
            mode: mode)
    }

    func record(_ notification: JSONValue) { received.withLock { $0.append(notification) } }

    /// Notifications the server sent so far (progress, log messages).
    public var notifications: [JSONValue] { received.withLock { $0 } }

    /// Sends one request and returns the whole JSON-RPC response object.
    ///
    /// - Parameters:
    ///   - meta: extra `_meta` keys (modern mode adds the envelope itself).
    ///   - capabilities: client capabilities to declare (modern: per request).
    public func send(
        _ method: String, _ params: JSONObject = [:], meta: JSONObject = [:], capabilities: JSONObject = [:],
        logLevel: LoggingLevel? = nil
    ) async throws -> JSONValue {
        let id = RequestID.int(nextID.wrappingAdd(1, ordering: .relaxed).oldValue)
        var params = params
        var fullMeta = meta
        let era: Era
        switch mode {
        case .modern:
            fullMeta[Envelope.protocolVersionKey] = .string(ProtocolVersion.v2026_07_28.rawValue)
            fullMeta[Envelope.clientCapabilitiesKey] = .object(capabilities)
            fullMeta[Envelope.clientInfoKey] = ["name": "mcp-test-client", "version": "1"]
            if let logLevel { fullMeta[Envelope.logLevelKey] = .string(logLevel.rawValue) }
            params["_meta"] = .object(fullMeta)
            era = .modern(try Envelope.parse(params: .object(params)))
        case .handshake(let version):
            if !fullMeta.isEmpty { params["_meta"] = .object(fullMeta) }
            era = .handshake(try await handshake(version: version, capabilities: capabilities))
        }
        let request = JSONRPCRequest(id: id, method: method, params: .object(params))
        let sink = CollectingSink(client: self)
        let (reply, updated) = await server.serve(request, era: era, sink: sink, logger: logger)
        if let updated { session.withLock { $0 = updated } }
        return try JSONParser.parse(reply.bytes)
    }

    /// The `result` of a request, or the error it returned thrown as ``JSONRPCError``.
    public func result(
        _ method: String, _ params: JSONObject = [:], meta: JSONObject = [:], capabilities: JSONObject = [:]
    ) async throws -> JSONValue {
        let response = try await send(method, params, meta: meta, capabilities: capabilities)
        if let error = response["error"] {
            throw JSONRPCError(
                code: error["code"]?.intValue ?? 0, message: error["message"]?.stringValue ?? "", data: error["data"])
        }
        return response["result"] ?? .null
    }

    /// Calls a tool and returns its `CallToolResult`.
    public func callTool(_ name: String, _ arguments: JSONObject = [:]) async throws -> JSONValue {
        try await result("tools/call", ["name": .string(name), "arguments": .object(arguments)])
    }

    /// Every tool definition, following `nextCursor` through all pages.
    public func listTools() async throws -> [JSONValue] { try await listAll("tools/list", key: "tools") }

    public func listAll(_ method: String, key: String) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var cursor: String?
        repeat {
            var params: JSONObject = [:]
            if let cursor { params["cursor"] = .string(cursor) }
            let page = try await result(method, params)
            items += page[key]?.arrayValue ?? []
            cursor = page["nextCursor"]?.stringValue
        } while cursor != nil
        return items
    }

    private func handshake(version: ProtocolVersion, capabilities: JSONObject) async throws -> SessionState {
        if let existing = session.withLock({ $0 }) { return existing }
        let request = JSONRPCRequest(
            id: .string("initialize"), method: "initialize",
            params: [
                "protocolVersion": .string(version.rawValue), "capabilities": .object(capabilities),
                "clientInfo": ["name": "mcp-test-client", "version": "1"],
            ])
        let (reply, state) = server.initialize(request)
        guard let state else {
            let response = try JSONParser.parse(reply.bytes)
            throw JSONRPCError(code: response["error"]?["code"]?.intValue ?? 0, message: "initialize failed")
        }
        session.withLock { $0 = state }
        return state
    }
}

/// Keeps the notifications a request sends.
struct CollectingSink: NotificationSink {
    let client: MCPTestClient

    func send(_ message: [UInt8]) async {
        guard let value = try? JSONParser.parse(message) else { return }
        client.record(value)
    }
}
