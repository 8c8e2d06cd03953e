import HTTPTypes
package import Hummingbird
import Logging
import MCPCore
import NIOCore

extension StreamableHTTPEndpoint {
    /// The session `id` names for this caller, recording it for the access log.
    func openSession(_ id: String, context: MCPRequestContext) -> SealedSession? {
        guard !configuration.statelessHTTP, let session = sessions.open(id, principal: context.principal ?? "") else {
            return nil
        }
        context.record.update { $0.sessionID = SessionLog.fingerprint(id) }
        return session
    }

    // MARK: GET and DELETE

    /// GET opens the session's standalone SSE stream, or resumes a stream with `Last-Event-ID`.
    package func get(_ request: Request, context: MCPRequestContext) async -> Response {
        let headers = MCPHeaders(request.headers)
        guard let sessionID = headers.sessionID else {
            return HTTPMessages.problem(.methodNotAllowed, "GET needs an Mcp-Session-Id", headers: [.allow: "POST"])
        }
        guard let session = openSession(sessionID, context: context) else { return HTTPMessages.empty(.notFound) }
        if let problem = MessageRouter.versionProblem(headers.routing.protocolVersion, in: session.state) {
            return HTTPMessages.errorWithoutID(problem, status: .badRequest)
        }
        guard AcceptedTypes(headers.accept).eventStream else {
            return HTTPMessages.problem(.notAcceptable, "GET streams need Accept: text/event-stream")
        }
        let hub = sessions.hub
        if let lastEventID = headers.lastEventID,
            let (stream, generation, output) = hub.resume(token: session.token, lastEventID: lastEventID)
        {
            return sseResponse(output, channel: context.channel) {
                hub.detach(token: session.token, stream: stream, generation: generation)
            }
        }
        // The standalone stream carries what the server says unprompted (list_changed, updates
        // of resources the session subscribed to; HTTP-L-6), and keep-alive comments between.
        let (output, continuation) = AsyncStream.makeStream(
            of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(configuration.replayBufferSize))
        guard hub.claimStandalone(token: session.token, continuation: continuation) else {
            return HTTPMessages.problem(.conflict, "this session already has a GET stream")
        }
        // A first comment sends the response head at once, so the client knows the stream is open.
        continuation.yield(SSE.keepAlive)
        let token = session.token
        let conversation = Conversation(token)
        let changes = router.server.changes
        changes.observe(conversation) { message in continuation.yield(SSE.event(message)) }
        return sseResponse(output, channel: context.channel) {
            changes.stopObserving(conversation)
            continuation.finish()
            hub.releaseStandalone(token: token)
        }
    }

    /// DELETE ends a session (HTTP-L-9).
    package func delete(_ request: Request, context: MCPRequestContext) -> Response {
        guard let sessionID = request.headers[.mcpSessionID] else {
            return HTTPMessages.problem(.methodNotAllowed, "DELETE needs an Mcp-Session-Id", headers: [.allow: "POST"])
        }
        guard let session = openSession(sessionID, context: context), sessions.end(session) else {
            return HTTPMessages.empty(.notFound)
        }
        let server = router.server
        Task { await server.announce(.sessionEnded(conversation: session.token)) }
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
