import HTTPTypes
package import Hummingbird
package import Logging
package import MCPCore
import NIOCore

/// The Streamable HTTP endpoint (`/mcp`) for both eras. It frames HTTP only: it reads the body,
/// tells the ``MessageRouter`` what the request's headers say (session, routing headers,
/// caller), and carries the router's answer back as JSON, an SSE stream or a bare status.
///
/// Every request is answered on its own HTTP exchange from the task that serves it: there is no
/// table of pending responses keyed by JSON-RPC id, so concurrent clients using the same ids
/// can never receive each other's answers.
package struct StreamableHTTPEndpoint: Sendable {
    let router: MessageRouter
    let configuration: HTTPConfiguration
    let sessions: SessionManager
    let disconnects: DisconnectWatchers
    let status: ServerStatus
    let logger: Logger

    /// The endpoint; every answer goes through `router`, sessions through `sessions`.
    package init(
        router: MessageRouter, configuration: HTTPConfiguration, sessions: SessionManager,
        disconnects: DisconnectWatchers, status: ServerStatus, logger: Logger
    ) {
        self.router = router
        self.configuration = configuration
        self.sessions = sessions
        self.disconnects = disconnects
        self.status = status
        self.logger = logger
    }

    // MARK: POST

    /// Serves one POST: a JSON-RPC message or batch, answered with JSON, an SSE stream or `202 Accepted`.
    package func post(_ request: Request, context: MCPRequestContext) async -> Response {
        let headers = MCPHeaders(request.headers)
        if let contentType = headers.contentType, !Self.isJSON(contentType) {
            return HTTPMessages.problem(.unsupportedMediaType, "Content-Type must be application/json")
        }
        let accepted = AcceptedTypes(headers.accept)
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
        let (session, sealed) = session(headers.sessionID, context: context)
        let origin = MessageOrigin(
            session: session, sessionIsNamed: true,
            sessionless: configuration.statelessHTTP ? .servedStatelessly : .requiresSession,
            headers: headers.routing, conversation: sealed.map { Conversation($0.token) },
            caller: context.caller ?? .anonymous)
        let routed = body.withUnsafeReadableBytes { router.route(parsing: $0, from: origin, logger: context.logger) }
        context.record.update { values in
            values.mcpMethod = routed.method
            values.era = routed.era.map(RequestEra.init)
        }
        switch routed.decision {
        case .answer(let answer):
            return respond(answer, context: context)
        case .serve(let exchange):
            return await serve(exchange, session: sealed, request: request, context: context, accepted: accepted)
        }
    }

    /// The session the request names (§1 step 4), if any; `.unknown` when it names one that is
    /// not live here, or when sessions are off (stateless HTTP has none to find).
    func session(_ named: String?, context: MCPRequestContext) -> (MessageOrigin.Session, SealedSession?) {
        guard let id = named else { return (.none, nil) }
        guard let sealed = openSession(id, context: context) else { return (.unknown, nil) }
        return (.open(sealed.state), sealed)
    }

    /// An answer decided without running anything, as HTTP.
    func respond(_ answer: Answer, context: MCPRequestContext) -> Response {
        switch answer {
        case .reply(let reply): return jsonReply(reply, context: context)
        case .established(let reply, let state): return established(reply, state, context: context)
        case .errorWithoutID(let error): return HTTPMessages.errorWithoutID(error, status: .badRequest)
        case .accepted: return HTTPMessages.empty(.accepted)
        case .unknownSession: return HTTPMessages.empty(.notFound)
        case .rejected: return HTTPMessages.empty(.badRequest)
        case .insufficientScope(let scopes, let reply):
            guard let resource = configuration.protectedResource else { return jsonReply(reply, context: context) }
            return HTTPMessages.json(
                reply.bytes, status: .forbidden,
                headers: [
                    .wwwAuthenticate: resource.challenge(
                        mcpPath: configuration.mcpPath, error: "insufficient_scope",
                        description: "more scopes are needed", scope: scopes)
                ])
        }
    }

    /// `initialize` succeeded: a new session (HTTP-L-1), or, stateless, just the answer.
    func established(_ reply: Reply, _ state: SessionState, context: MCPRequestContext) -> Response {
        guard !configuration.statelessHTTP else { return jsonReply(reply, context: context) }
        guard let id = sessions.create(state, principal: context.principal ?? "") else {
            context.logger.warning(
                "session limit reached", metadata: ["mcp.sessions.max": "\(configuration.maxSessions)"])
            return HTTPMessages.problem(
                .serviceUnavailable, "too many sessions; retry later", headers: [.retryAfter: "30"])
        }
        context.record.update { $0.sessionID = SessionLog.fingerprint(id) }
        return HTTPMessages.json(reply, headers: [.mcpSessionID: id])
    }
}
