import Logging
public import MCPCore
import Synchronization

/// A client for testing servers built with the scaffold, in either era. By default it talks to
/// the server in process, through the same ``MessageRouter`` the transports use, so a test takes
/// the path production takes; `.live` sends every message over real HTTP to the server started
/// on a loopback port.
///
/// ```swift
/// let client = try MCPTestClient(catalogues: [Calculator()])
/// let result = try await client.callTool("add", ["a": 2, "b": 3])
/// #expect(result.text == "5.0")
/// #expect(try result.structured(as: Double.self, at: "result") == 5)
/// ```
///
/// It can play the client's side of requests the server sends (handshake era): give it
/// ``answerRequests(_:)`` and a tool's `context.sendRequest("roots/list")` gets that answer.
public final class MCPTestClient: Sendable {
    /// Which era the client speaks.
    public enum Mode: Sendable {
        /// 2026-07-28: every request carries the envelope.
        case modern
        /// The handshake era at the given revision: `initialize` first, then a session.
        case handshake(ProtocolVersion)
    }

    /// How messages reach the server.
    public enum Transport: Sendable {
        /// Straight into the server's router, in this process.
        case inProcess
        /// Over HTTP to the server, served on a loopback port for this client; call ``close()``.
        case live
    }

    /// Answers one request from the server: its method and params in, its result out (throw a
    /// ``JSONRPCError`` to answer with an error).
    public typealias RequestHandler = @Sendable (_ method: String, _ params: JSONValue?) async throws -> JSONValue

    /// The server under test.
    public let server: MCPServer
    /// The router the client sends every message through (in process, or behind the live HTTP server).
    public let router: MessageRouter
    /// The era the client speaks.
    public let mode: Mode
    /// How messages reach the server.
    public let transport: Transport
    let conversation: Conversation
    let caller: Principal
    let session = Mutex<SessionState?>(nil)
    private let received = Mutex<[JSONValue]>([])
    private let handler = Mutex<RequestHandler?>(nil)
    private let nextID = Atomic<Int>(1)
    let live: LiveConnection?
    let logger: Logger

    /// A client of `server` through a router of its own; see ``init(router:mode:transport:principal:caller:)``.
    public convenience init(server: MCPServer, mode: Mode = .modern, transport: Transport = .inProcess) {
        self.init(router: MessageRouter(server: server), mode: mode, transport: transport)
    }

    /// A client of `router`'s server. Clients made on one router share its tables of running
    /// requests and of requests to clients, as the clients of one real server do.
    ///
    /// - Parameters:
    ///   - principal: who the client is, as an authenticating transport would name it; state bound
    ///     to a caller (sessions, `requestState`) is bound to it.
    ///   - caller: the whole caller, as OAuth would authenticate it (subject, scopes, claims);
    ///     overrides `principal`. Declarations its scopes do not allow are hidden from it.
    public init(
        router: MessageRouter, mode: Mode = .modern, transport: Transport = .inProcess, principal: String = "",
        caller: Principal? = nil
    ) {
        self.server = router.server
        self.router = router
        self.caller = caller ?? Principal(id: principal)
        self.mode = mode
        self.transport = transport
        var random = SystemRandomNumberGenerator()
        self.conversation = Conversation("test-\(random.next())")
        var logger = Logger(label: "mcp.test-client")
        logger.logLevel = .critical
        self.logger = logger
        self.live = transport == .live ? LiveConnection(router: router, logger: logger) : nil
    }

    /// A client of a fresh server offering `catalogues`.
    public convenience init(catalogues: [any Catalogue], mode: Mode = .modern, transport: Transport = .inProcess) throws
    {
        let registry = try Registry(catalogues: catalogues)
        self.init(
            server: MCPServer(
                registry: registry, configuration: ServerConfiguration(info: ServerInfo(name: "test", version: "0"))),
            mode: mode, transport: transport)
    }

    /// Stops the server a `.live` client started; nothing for an in-process one.
    public func close() async {
        await live?.close()
    }

    /// Answers the server's requests to this client (elicitation, sampling, roots) with `handler`:
    /// requests over the session in the handshake era, `input_required` rounds in 2026-07-28.
    /// The client then declares those capabilities.
    public func answerRequests(_ handler: @escaping RequestHandler) {
        self.handler.withLock { $0 = handler }
    }

    var hasHandler: Bool { handler.withLock { $0 != nil } }

    /// Notifications the server sent so far (progress, log messages), in order.
    public var notifications: [JSONValue] { received.withLock { $0 } }

    /// Requests the server sent so far and the client answered, in order (id, method and params).
    public var requestsReceived: [JSONValue] { askedLog.withLock { $0 } }
    private let askedLog = Mutex<[JSONValue]>([])

    /// Sends one request and returns the whole JSON-RPC response object.
    ///
    /// - Parameters:
    ///   - meta: extra `_meta` keys (modern mode adds the envelope itself).
    ///   - capabilities: client capabilities to declare (modern: per request; handshake: in `initialize`).
    ///   - logLevel: the level of log messages to receive (modern: `_meta`; handshake: not used).
    public func send(
        _ method: String, _ params: JSONObject = [:], meta: JSONObject = [:], capabilities: JSONObject = [:],
        logLevel: LoggingLevel? = nil
    ) async throws -> JSONValue {
        var params = params
        var fullMeta = meta
        switch mode {
        case .modern:
            fullMeta[Envelope.protocolVersionKey] = .string(ProtocolVersion.v2026_07_28.rawValue)
            fullMeta[Envelope.clientCapabilitiesKey] = .object(declared(capabilities))
            fullMeta[Envelope.clientInfoKey] = ["name": "mcp-test-client", "version": "1"]
            if let logLevel { fullMeta[Envelope.logLevelKey] = .string(logLevel.rawValue) }
            params["_meta"] = .object(fullMeta)
        case .handshake(let version):
            if !fullMeta.isEmpty { params["_meta"] = .object(fullMeta) }
            try await handshake(version: version, capabilities: capabilities)
        }
        let id = JSONRPCID.int(nextID.wrappingAdd(1, ordering: .relaxed).oldValue)
        let message: JSONValue = [
            "jsonrpc": "2.0", "id": id.json, "method": .string(method), "params": .object(params),
        ]
        return try await exchange(message)
    }

    /// Sends one message as it is (any JSON, valid or not) and returns what the server answered:
    /// the response, or `null` when it answered nothing (a notification, a cancelled request).
    public func exchange(_ message: JSONValue) async throws -> JSONValue {
        try await exchange(bytes: JSONWriter.bytes(message))
    }

    /// Sends raw bytes as one message (they need not be JSON); see ``exchange(_:)``.
    public func exchange(bytes: [UInt8]) async throws -> JSONValue {
        if let live { return try await live.exchange(bytes, client: self) }
        let origin = MessageOrigin(
            session: session.withLock { $0 }.map { .open($0) } ?? .none, conversation: conversation,
            caller: caller)
        let routed = bytes.withUnsafeBytes { router.route(parsing: $0, from: origin, logger: logger) }
        switch routed.decision {
        case .answer(.reply(let reply)):
            return try JSONParser.parse(reply.bytes)
        case .answer(.established(let reply, let state)):
            session.withLock { $0 = state }
            // Like a session's stream: list changes and subscribed updates arrive in `notifications`.
            server.changes.observe(conversation) { [weak self] message in
                guard let self, let value = try? JSONParser.parse(message) else { return }
                self.received.withLock { $0.append(value) }
            }
            return try JSONParser.parse(reply.bytes)
        case .answer(.errorWithoutID(let error)):
            return try JSONParser.parse(JSONRPCEncoding.errorWithoutID(error))
        case .answer(.insufficientScope(_, let reply)):
            return try JSONParser.parse(reply.bytes)
        case .answer:
            return .null
        case .serve(let exchange):
            let served = await router.serve(exchange, sink: InProcessSink(client: self), logger: logger)
            if let state = served.session { session.withLock { $0 = state } }
            return try served.reply.map { try JSONParser.parse($0.bytes) } ?? .null
        }
    }

    /// Takes a notification or a request the server sent; answers requests through the handler.
    func receive(_ message: JSONValue, reply: (JSONValue) async -> Void) async {
        guard message["id"] != nil, let method = message["method"]?.stringValue else {
            received.withLock { $0.append(message) }
            return
        }
        let id = message["id"] ?? .null
        askedLog.withLock { $0.append(["id": id, "method": .string(method), "params": message["params"] ?? .null]) }
        var response: JSONObject = ["jsonrpc": "2.0", "id": id]
        do {
            guard let handler = handler.withLock({ $0 }) else {
                throw JSONRPCError(code: JSONRPCError.methodNotFoundCode, message: "no handler for \(method)")
            }
            response["result"] = try await handler(method, message["params"])
        } catch let error as JSONRPCError {
            response["error"] = error.json
        } catch {
            response["error"] = JSONRPCError.internalError().json
        }
        await reply(.object(response))
    }

    /// `capabilities`, plus what a client that answers requests declares: elicitation (form and
    /// URL), sampling and roots, as the official clients do when given callbacks.
    func declared(_ capabilities: JSONObject) -> JSONObject {
        guard handler.withLock({ $0 != nil }) else { return capabilities }
        var declared = capabilities
        let defaults: JSONObject = ["roots": [:], "sampling": [:], "elicitation": ["form": [:], "url": [:]]]
        for (capability, value) in defaults where declared[capability] == nil { declared[capability] = value }
        return declared
    }

    /// Answers one question of an `input_required` result (2026-07-28) through the handler.
    func answer(_ request: JSONValue) async throws -> JSONValue {
        guard let method = request["method"]?.stringValue, let handler = handler.withLock({ $0 }) else {
            throw JSONRPCError(code: JSONRPCError.methodNotFoundCode, message: "no handler for input requests")
        }
        askedLog.withLock { $0.append(["method": .string(method), "params": request["params"] ?? .null]) }
        return try await handler(method, request["params"])
    }

    /// `initialize` and `notifications/initialized`, once.
    func handshake(version: ProtocolVersion, capabilities: JSONObject) async throws {
        guard session.withLock({ $0 == nil }) else { return }
        let initialize: JSONValue = [
            "jsonrpc": "2.0", "id": "initialize", "method": "initialize",
            "params": [
                "protocolVersion": .string(version.rawValue), "capabilities": .object(declared(capabilities)),
                "clientInfo": ["name": "mcp-test-client", "version": "1"],
            ],
        ]
        let response = try await exchange(initialize)
        if let error = response["error"] { throw JSONRPCError(json: error) }
        _ = try await exchange(["jsonrpc": "2.0", "method": "notifications/initialized"])
    }
}

/// Where an in-process request's notifications and requests reach the test client.
struct InProcessSink: NotificationSink {
    let client: MCPTestClient

    func send(_ message: [UInt8]) async {
        guard let value = try? JSONParser.parse(message) else { return }
        await client.receive(value) { response in
            // The answer goes back the way a transport would bring it: through the router.
            _ = try? await client.exchange(response)
        }
    }
}

extension JSONRPCError {
    /// An error object from its wire form.
    init(json: JSONValue) {
        self.init(
            code: json["code"]?.intValue ?? 0, message: json["message"]?.stringValue ?? "", data: json["data"])
    }
}
