import HTTPTypes
public import Hummingbird
public import Logging
public import MCPCore
import NIOCore

/// The Streamable HTTP endpoint (`/mcp`) for both eras, routed per request as
/// MCP-REQUIREMENTS §1 says: `initialize` starts a handshake; a session id selects a session;
/// a `_meta` protocol version selects 2026-07-28; anything else is served statelessly under
/// the handshake era (`STATELESS_HTTP=true`) or refused.
///
/// Every request is answered on its own HTTP exchange from the task that serves it: there is no
/// table of pending responses keyed by JSON-RPC id, so concurrent clients using the same ids
/// can never receive each other's answers.
public struct StreamableHTTPEndpoint: Sendable {
    let server: MCPServer
    let configuration: HTTPConfiguration
    let sessions: SessionManager
    let disconnects: DisconnectWatchers
    let status: ServerStatus
    let logger: Logger

    public init(
        server: MCPServer, configuration: HTTPConfiguration, sessions: SessionManager, disconnects: DisconnectWatchers,
        status: ServerStatus, logger: Logger
    ) {
        self.server = server
        self.configuration = configuration
        self.sessions = sessions
        self.disconnects = disconnects
        self.status = status
        self.logger = logger
    }

    // MARK: POST

    public func post(_ request: Request, context: MCPRequestContext) async -> Response {
        if let contentType = request.headers[.contentType], !Self.isJSON(contentType) {
            return HTTPMessages.problem(.unsupportedMediaType, "Content-Type must be application/json")
        }
        let accepted = AcceptedTypes(request.headers[.accept])
        guard accepted.json || accepted.eventStream else {
            return HTTPMessages.problem(.notAcceptable, "Accept must allow application/json or text/event-stream")
        }
        let body: ByteBuffer
        switch await BodyReader.collect(
            request, limit: configuration.maxBodySize, timeout: configuration.bodyReadTimeout, channel: context.channel)
        {
        case .success(let buffer): body = buffer
        case .failure(let response): return response
        }
        let parsed: JSONValue
        do {
            parsed = try body.withUnsafeReadableBytes {
                try JSONParser.parse(UnsafeRawBufferPointer($0), maxDepth: server.configuration.maxJSONDepth)
            }
        } catch let error as JSONParseError {
            context.logger.info("unparseable body", metadata: ["error": "\(error)"])
            return HTTPMessages.error(.parseError(error.description))
        } catch {
            return HTTPMessages.error(.parseError("invalid JSON"))
        }
        if case .array(let elements) = parsed {
            return await batch(elements, request: request, context: context, accepted: accepted)
        }
        let message: JSONRPCMessage
        switch JSONRPCMessage.decode(parsed) {
        case .success(let decoded): message = decoded
        case .failure(let invalid):
            context.logger.info("invalid JSON-RPC message", metadata: ["error": "\(invalid.error.message)"])
            return HTTPMessages.error(invalid.error, id: invalid.id)
        }
        switch message {
        case .request(let rpc):
            context.record.update { $0.mcpMethod = rpc.method }
            return await serve(rpc, request: request, context: context, accepted: accepted)
        case .notification(let notification):
            return notify(notification, request: request, context: context)
        case .response:
            return clientResponse(request: request, context: context)
        }
    }

    /// Routes one request (§1 steps 3–6).
    func serve(
        _ rpc: JSONRPCRequest, request: Request, context: MCPRequestContext, accepted: AcceptedTypes
    ) async -> Response {
        let sessionID = request.headers[.mcpSessionID]
        if rpc.method == "initialize" && sessionID == nil {
            context.record.update { $0.era = "handshake" }
            return initialize(rpc, context: context)
        }
        if let sessionID {
            context.record.update { $0.era = "handshake" }
            return await serveInSession(
                rpc, sessionID: sessionID, request: request, context: context, accepted: accepted)
        }
        if Envelope.isPresent(in: rpc.params) {
            context.record.update { $0.era = "modern" }
            return await serveModern(rpc, request: request, context: context, accepted: accepted)
        }
        return await serveWithoutSession(rpc, request: request, context: context, accepted: accepted)
    }

    /// 2026-07-28: the routing headers and the envelope are checked in ENV-2's order.
    func serveModern(
        _ rpc: JSONRPCRequest, request: Request, context: MCPRequestContext, accepted: AcceptedTypes
    ) async -> Response {
        let envelope: Envelope
        do throws(JSONRPCError) {
            envelope = try RoutingHeaders.validate(rpc, headers: request.headers)
        } catch {
            return HTTPMessages.error(error, id: rpc.id)
        }
        var client = ""
        if rpc.method == "subscriptions/listen" {
            // Answered only as a stream (HTTP-5), and limited per client (SUB-8).
            guard accepted.eventStream else {
                return HTTPMessages.problem(.notAcceptable, "subscriptions/listen needs Accept: text/event-stream")
            }
            context.record.update { $0.isSubscription = true }
            client =
                context.principal ?? configuration.trustedProxies.clientAddress(
                    of: request, peer: context.channel.remoteAddress?.ipAddress)
                ?? ""
        }
        return await respond(
            to: rpc, era: .modern(envelope), context: context, accepted: accepted, cancelOnDisconnect: true,
            client: client)
    }

    /// No session id and no envelope.
    func serveWithoutSession(
        _ rpc: JSONRPCRequest, request: Request, context: MCPRequestContext, accepted: AcceptedTypes
    ) async -> Response {
        let header = request.headers[.mcpProtocolVersion]
        if header == ProtocolVersion.v2026_07_28.rawValue || !configuration.statelessHTTP {
            // A modern request without its envelope, or a sessions-on server without a session (ENV-1, HTTP-L-2).
            context.record.update { $0.era = header == nil ? "handshake" : "modern" }
            return HTTPMessages.error(
                .invalidParams("missing _meta \(Envelope.protocolVersionKey) (or an Mcp-Session-Id)"), id: rpc.id)
        }
        context.record.update { $0.era = "handshake" }
        var version = ProtocolVersion.handshakeDefault
        if let header {
            guard let named = ProtocolVersion(rawValue: header), !named.isModern else {
                return HTTPMessages.error(
                    .unsupportedProtocolVersion(
                        requested: .string(header), supported: ProtocolVersion.supportedNewestFirst), id: rpc.id)
            }
            version = named
        }
        // Stateless handshake era: nothing from initialize is remembered, so the request is
        // served with empty client capabilities under the version its header names.
        let session = SessionState(version: version, clientCapabilities: [:], clientInfo: [:])
        if rpc.method == "logging/setLevel" {
            return HTTPMessages.json(JSONRPCEncoding.result(id: rpc.id, result: [:]))
        }
        return await respond(
            to: rpc, era: .handshake(session), context: context, accepted: accepted, cancelOnDisconnect: false)
    }

    /// Notifications: accepted with 202 when they belong to something we serve (HTTP-3, HTTP-M-15).
    func notify(_ notification: JSONRPCNotification, request: Request, context: MCPRequestContext) -> Response {
        context.record.update { $0.mcpMethod = notification.method }
        if let sessionID = request.headers[.mcpSessionID] {
            guard !configuration.statelessHTTP, sessions.open(sessionID, principal: context.principal ?? "") != nil
            else {
                return HTTPMessages.empty(.notFound)
            }
            return HTTPMessages.empty(.accepted)
        }
        guard let header = request.headers[.mcpProtocolVersion] else {
            return configuration.statelessHTTP ? HTTPMessages.empty(.accepted) : HTTPMessages.empty(.badRequest)
        }
        guard ProtocolVersion(rawValue: header) != nil else {
            return HTTPMessages.errorWithoutID(
                .unsupportedProtocolVersion(
                    requested: .string(header), supported: ProtocolVersion.supportedNewestFirst), status: .badRequest)
        }
        return HTTPMessages.empty(.accepted)
    }

    /// JSON-RPC responses from the client: only sessions expect them.
    func clientResponse(request: Request, context: MCPRequestContext) -> Response {
        guard let sessionID = request.headers[.mcpSessionID] else { return HTTPMessages.empty(.badRequest) }
        guard !configuration.statelessHTTP, sessions.open(sessionID, principal: context.principal ?? "") != nil else {
            return HTTPMessages.empty(.notFound)
        }
        return HTTPMessages.empty(.accepted)
    }

    /// `application/json`, with a UTF-8 charset if any.
    static func isJSON(_ contentType: String) -> Bool {
        let parts = contentType.lowercased().split(separator: ";").map { $0.trimmingSpaces }
        guard parts.first == "application/json" else { return false }
        for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
            let charset = parameter.dropFirst("charset=".count).replacing("\"", with: "")
            if charset != "utf-8" && charset != "utf8" { return false }
        }
        return true
    }
}
