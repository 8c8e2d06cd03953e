import HTTPTypes
public import Hummingbird
import Logging
import MCPCore
import NIOCore

extension StreamableHTTPEndpoint {
    /// `initialize` without a session id: a new session, or (stateless) just the answer.
    func initialize(_ rpc: JSONRPCRequest, context: MCPRequestContext) -> Response {
        let (reply, state) = server.initialize(rpc)
        guard let state, !configuration.statelessHTTP else {
            return HTTPMessages.json(reply.bytes, status: HTTPStatusMapping.status(forErrorCode: reply.errorCode))
        }
        guard let id = sessions.create(state, principal: context.principal ?? "") else {
            context.logger.warning(
                "session limit reached", metadata: ["mcp.sessions.max": "\(configuration.maxSessions)"])
            return HTTPMessages.problem(
                .serviceUnavailable, "too many sessions; retry later", headers: [.retryAfter: "30"])
        }
        context.record.update { $0.sessionID = SessionLog.fingerprint(id) }
        return HTTPMessages.json(reply.bytes, headers: [.mcpSessionID: id])
    }

    /// A request naming a session (§1 step 4).
    func serveInSession(
        _ rpc: JSONRPCRequest, sessionID: String, request: Request, context: MCPRequestContext, accepted: AcceptedTypes
    ) async -> Response {
        guard let session = openSession(sessionID, context: context) else { return HTTPMessages.empty(.notFound) }
        if let problem = checkVersionHeader(request, session: session) { return problem }
        if rpc.method == "initialize" {
            return HTTPMessages.error(.invalidRequest("already initialized"), id: rpc.id)
        }
        if rpc.method == "logging/setLevel" {
            let (reply, updated) = await server.serve(rpc, era: .handshake(session.state), logger: context.logger)
            if let level = updated?.logLevel { sessions.setLogLevel(session, level: level) }
            return HTTPMessages.json(reply.bytes, status: HTTPStatusMapping.status(forErrorCode: reply.errorCode))
        }
        return await respond(
            to: rpc, era: .handshake(session.state), context: context, accepted: accepted, cancelOnDisconnect: false,
            session: session)
    }

    /// The session `id` names for this caller, recording it for the access log.
    func openSession(_ id: String, context: MCPRequestContext) -> SealedSession? {
        guard !configuration.statelessHTTP, let session = sessions.open(id, principal: context.principal ?? "") else {
            return nil
        }
        context.record.update { $0.sessionID = SessionLog.fingerprint(id) }
        return session
    }

    /// Inside a session the header, when present, must be a served handshake version (HTTP-L-4);
    /// missing means the negotiated one. A different valid version is refused too.
    func checkVersionHeader(_ request: Request, session: SealedSession) -> Response? {
        guard let header = request.headers[.mcpProtocolVersion] else { return nil }
        guard let version = ProtocolVersion(rawValue: header), !version.isModern else {
            return HTTPMessages.errorWithoutID(
                .unsupportedProtocolVersion(
                    requested: .string(header), supported: ProtocolVersion.supportedNewestFirst), status: .badRequest)
        }
        guard version == session.state.version || session.state.version < .v2025_06_18 else {
            return HTTPMessages.errorWithoutID(
                .invalidRequest(
                    "MCP-Protocol-Version \(header) differs from the negotiated \(session.state.version.rawValue)"),
                status: .badRequest)
        }
        return nil
    }

    // MARK: GET and DELETE

    /// GET opens the session's standalone SSE stream, or resumes a stream with `Last-Event-ID`.
    public func get(_ request: Request, context: MCPRequestContext) async -> Response {
        guard let sessionID = request.headers[.mcpSessionID] else {
            return HTTPMessages.problem(.methodNotAllowed, "GET needs an Mcp-Session-Id", headers: [.allow: "POST"])
        }
        guard let session = openSession(sessionID, context: context) else { return HTTPMessages.empty(.notFound) }
        if let problem = checkVersionHeader(request, session: session) { return problem }
        guard AcceptedTypes(request.headers[.accept]).eventStream else {
            return HTTPMessages.problem(.notAcceptable, "GET streams need Accept: text/event-stream")
        }
        let hub = sessions.hub
        let keepAlive = Duration.milliseconds(Int(configuration.sseKeepAliveInterval * 1000))
        if let lastEventID = request.headers[.lastEventID],
            let (stream, generation, output) = hub.resume(token: session.token, lastEventID: lastEventID)
        {
            return Self.sseResponse(output, keepAlive: keepAlive) {
                hub.detach(token: session.token, stream: stream, generation: generation)
            }
        }
        // Nothing in this server is sent unprompted (its catalogue never changes), so the
        // standalone stream carries keep-alive comments until the client or the session ends.
        let (output, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
        guard hub.claimStandalone(token: session.token, continuation: continuation) else {
            return HTTPMessages.problem(.conflict, "this session already has a GET stream")
        }
        // A first comment sends the response head at once, so the client knows the stream is open.
        continuation.yield(SSE.keepAlive)
        let token = session.token
        return Self.sseResponse(output, keepAlive: keepAlive) {
            continuation.finish()
            hub.releaseStandalone(token: token)
        }
    }

    /// DELETE ends a session (HTTP-L-9).
    public func delete(_ request: Request, context: MCPRequestContext) -> Response {
        guard let sessionID = request.headers[.mcpSessionID] else {
            return HTTPMessages.problem(.methodNotAllowed, "DELETE needs an Mcp-Session-Id", headers: [.allow: "POST"])
        }
        guard let session = openSession(sessionID, context: context), sessions.end(session) else {
            return HTTPMessages.empty(.notFound)
        }
        return HTTPMessages.empty(.noContent)
    }
}

/// Session ids are credentials of a sort: logs and metrics see a short fingerprint only.
enum SessionLog {
    static func fingerprint(_ id: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash & 0xFFFF_FFFF, radix: 16)
    }
}
