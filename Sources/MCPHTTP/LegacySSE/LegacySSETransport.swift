import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCPCore
import NIOCore
import Synchronization

/// The deprecated HTTP+SSE transport of 2024-11-05 (MCP-REQUIREMENTS §20), for old clients:
/// `GET /sse` opens a stream whose first event names the message endpoint
/// (`/messages?session_id=…`); every answer travels on that stream as `event: message`; each
/// `POST /messages` is acknowledged with 202. A session lives as long as
/// its stream, in the process holding the stream (run one worker with this transport). Every
/// protocol rule is the ``MessageRouter``'s (an enveloped 2026-07-28 request is served statelessly,
/// as on stdio); this file only frames the stream and the POSTs.
struct LegacySSETransport: Sendable {
    let router: MessageRouter
    let configuration: HTTPConfiguration
    let disconnects: DisconnectWatchers
    let logger: Logger
    let sessions = LegacySessions()

    func register(on router: Router<MCPRequestContext>) {
        router.get("/sse") { request, context in open(request, context: context) }
        router.post("/messages") { request, context in await post(request, context: context) }
        router.post("/sse") { _, _ in
            HTTPMessages.problem(.methodNotAllowed, "GET /sse opens the stream", headers: [.allow: "GET"])
        }
        router.get("/messages") { _, _ in
            HTTPMessages.problem(.methodNotAllowed, "POST messages here", headers: [.allow: "POST"])
        }
    }

    func open(_ request: Request, context: MCPRequestContext) -> Response {
        guard AcceptedTypes(request.headers[.accept]).eventStream else {
            return HTTPMessages.problem(.notAcceptable, "GET /sse needs Accept: text/event-stream")
        }
        let (output, continuation) = AsyncStream.makeStream(
            of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(1024))
        guard
            let id = sessions.open(
                outbox: continuation, principal: context.principal ?? "", limit: configuration.maxSessions)
        else {
            return HTTPMessages.problem(
                .serviceUnavailable, "too many sessions; retry later", headers: [.retryAfter: "30"])
        }
        continuation.yield(SSE.endpoint("/messages?session_id=\(id)"))
        let keepAlive = Duration.milliseconds(Int(configuration.sseKeepAliveInterval * 1000))
        let sessions = sessions
        let router = self.router
        return StreamableHTTPEndpoint.sseResponse(
            output, keepAlive: keepAlive, channel: context.channel, disconnects: disconnects
        ) {
            // The stream is this transport's session: when it ends, so does what runs in it.
            guard let session = sessions.close(id) else { return }
            router.cancelRequests(in: session.conversation, answering: false)
            router.server.changes.stopObserving(session.conversation)
            Task { await router.server.announce(.sessionEnded(conversation: session.conversation.id)) }
        }
    }

    func post(_ request: Request, context: MCPRequestContext) async -> Response {
        guard let id = request.uri.queryParameters.get("session_id") ?? request.uri.queryParameters.get("sessionId"),
            let session = sessions.session(id, principal: context.principal ?? "")
        else { return HTTPMessages.problem(.notFound, "unknown or closed session") }
        if let contentType = request.headers[.contentType], !StreamableHTTPEndpoint.isJSON(contentType) {
            return HTTPMessages.problem(.unsupportedMediaType, "Content-Type must be application/json")
        }
        let body: ByteBuffer
        switch await BodyReader.collect(
            request, limit: configuration.maxBodySize, timeout: configuration.bodyReadTimeout, channel: context.channel)
        {
        case .success(let buffer): body = buffer
        case .failure(let response): return response
        }
        context.record.update { $0.era = .handshake }
        let origin = MessageOrigin(
            session: session.state.map { .open($0) } ?? .none, conversation: session.conversation,
            caller: context.caller ?? .anonymous)
        let routed = body.withUnsafeReadableBytes { router.route(parsing: $0, from: origin, logger: context.logger) }
        switch routed.decision {
        case .answer(.reply(let reply)), .answer(.insufficientScope(_, let reply)):
            session.deliver(reply.bytes)
            // A body that is not JSON at all was a bad POST too, as the reference server says.
            return HTTPMessages.empty(reply.errorCode == JSONRPCError.parseErrorCode ? .badRequest : .accepted)
        case .answer(.established(let reply, let state)):
            session.state = state
            session.deliver(reply.bytes)
            router.server.changes.observe(session.conversation) { [weak session] message in session?.deliver(message) }
        case .answer(.errorWithoutID(let error)):
            session.deliver(JSONRPCEncoding.errorWithoutID(error))
        case .answer(.accepted):
            break
        case .answer(.unknownSession):
            return HTTPMessages.problem(.notFound, "unknown or closed session")
        case .answer(.rejected):
            return HTTPMessages.empty(.badRequest)
        case .serve(let exchange):
            context.record.update { $0.mcpMethod = exchange.method }
            let router = router
            let logger = context.logger
            session.run {
                let served = await router.serve(exchange, sink: session, logger: logger)
                if let state = served.session { session.state = state }
                if let reply = served.reply { session.deliver(reply.bytes) }
            }
        }
        return HTTPMessages.empty(.accepted)
    }
}

/// One stream of the HTTP+SSE transport: where its messages go and what it negotiated.
final class LegacySession: NotificationSink {
    let outbox: AsyncStream<ByteBuffer>.Continuation
    let principal: String
    let conversation: Conversation
    private let lock = Mutex<SessionState?>(nil)

    init(id: String, outbox: AsyncStream<ByteBuffer>.Continuation, principal: String) {
        self.outbox = outbox
        self.principal = principal
        self.conversation = Conversation("sse-" + id)
    }

    var state: SessionState? {
        get { lock.withLock { $0 } }
        set { lock.withLock { $0 = newValue } }
    }

    func send(_ message: [UInt8]) async { deliver(message) }

    /// Puts one message on the stream.
    func deliver(_ message: [UInt8]) { outbox.yield(SSE.event(message)) }

    /// Serves a request of this stream in a task of its own: answers arrive on the stream in
    /// any order, matched by id.
    func run(_ work: @escaping @Sendable () async -> Void) {
        Task { await work() }
    }

    func close() { outbox.finish() }
}

/// The open streams of the HTTP+SSE transport, by their secure-random ids.
final class LegacySessions: Sendable {
    private let sessions = Mutex<[String: LegacySession]>([:])

    func open(outbox: AsyncStream<ByteBuffer>.Continuation, principal: String, limit: Int) -> String? {
        var random = SystemRandomNumberGenerator()
        let id = Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
        let session = LegacySession(id: id, outbox: outbox, principal: principal)
        let added = sessions.withLock { sessions -> Bool in
            guard sessions.count < limit else { return false }
            sessions[id] = session
            return true
        }
        return added ? id : nil
    }

    func session(_ id: String, principal: String) -> LegacySession? {
        guard let session = sessions.withLock({ $0[id] }), session.principal == principal else { return nil }
        return session
    }

    /// Forgets a stream's session and closes its outbox; returns it.
    @discardableResult
    func close(_ id: String) -> LegacySession? {
        let session = sessions.withLock { $0.removeValue(forKey: id) }
        session?.close()
        return session
    }
}
