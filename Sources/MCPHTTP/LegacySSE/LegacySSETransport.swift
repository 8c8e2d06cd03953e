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
/// `POST /messages` is acknowledged with 202. Handshake era only. A session lives as long as
/// its stream, in the process holding the stream (run one worker with this transport).
struct LegacySSETransport: Sendable {
    let server: MCPServer
    let configuration: HTTPConfiguration
    let logger: Logger
    let sessions = LegacySessions()

    func register(on router: Router<MCPRequestContext>) {
        router.get("/sse") { request, context in
            context.record.update { $0.route = "/sse" }
            return open(request, context: context)
        }
        router.post("/messages") { request, context in
            context.record.update { $0.route = "/messages" }
            return await post(request, context: context)
        }
        router.post("/sse") { _, context in
            context.record.update { $0.route = "/sse" }
            return HTTPMessages.problem(.methodNotAllowed, "GET /sse opens the stream", headers: [.allow: "GET"])
        }
        router.get("/messages") { _, context in
            context.record.update { $0.route = "/messages" }
            return HTTPMessages.problem(.methodNotAllowed, "POST messages here", headers: [.allow: "POST"])
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
        return StreamableHTTPEndpoint.sseResponse(output, keepAlive: keepAlive) { sessions.close(id) }
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
        guard
            let parsed = try? body.withUnsafeReadableBytes({
                try JSONParser.parse(UnsafeRawBufferPointer($0), maxDepth: server.configuration.maxJSONDepth)
            }),
            case .success(let message) = JSONRPCMessage.decode(parsed)
        else { return HTTPMessages.problem(.badRequest, "not a JSON-RPC message") }
        switch message {
        case .request(let rpc):
            context.record.update {
                $0.mcpMethod = rpc.method
                $0.era = "handshake"
            }
            let task = Task { session.deliver(await reply(to: rpc, session: session, logger: context.logger).bytes) }
            session.track(rpc.id, task)
        case .notification(let notification):
            if notification.method == "notifications/cancelled", let raw = notification.params?["requestId"],
                let target = MCPCore.RequestID(json: raw)
            {
                session.cancel(target)
            }
        case .response:
            break
        }
        return HTTPMessages.empty(.accepted)
    }

    func reply(to rpc: JSONRPCRequest, session: LegacySession, logger: Logger) async -> Reply {
        if Envelope.isPresent(in: rpc.params) {
            return .error(.invalidRequest("this transport serves the handshake era only"), id: rpc.id)
        }
        if rpc.method == "initialize" {
            guard session.state == nil else { return .error(.invalidRequest("already initialized"), id: rpc.id) }
            let (reply, state) = server.initialize(rpc)
            if let state { session.state = state }
            return reply
        }
        guard let state = session.state else {
            if rpc.method == "ping" { return Reply(bytes: JSONRPCEncoding.result(id: rpc.id, result: [:])) }
            return .error(.invalidRequest("Server not initialized"), id: rpc.id)
        }
        let (reply, updated) = await server.serve(rpc, era: .handshake(state), sink: session, logger: logger)
        if let updated { session.state = updated }
        return reply
    }
}

/// One stream of the HTTP+SSE transport: where its messages go and what it negotiated.
final class LegacySession: NotificationSink {
    private struct State {
        var session: SessionState?
        var inFlight: [MCPCore.RequestID: Task<Void, Never>] = [:]
    }

    let outbox: AsyncStream<ByteBuffer>.Continuation
    let principal: String
    private let lock = Mutex(State())

    init(outbox: AsyncStream<ByteBuffer>.Continuation, principal: String) {
        self.outbox = outbox
        self.principal = principal
    }

    var state: SessionState? {
        get { lock.withLock { $0.session } }
        set { lock.withLock { $0.session = newValue } }
    }

    func send(_ message: [UInt8]) async { deliver(message) }

    /// Puts one message on the stream.
    func deliver(_ message: [UInt8]) { outbox.yield(SSE.event(message)) }

    func track(_ id: MCPCore.RequestID, _ task: Task<Void, Never>) {
        lock.withLock { $0.inFlight[id] = task }
        Task {
            await task.value
            _ = lock.withLock { $0.inFlight.removeValue(forKey: id) }
        }
    }

    func cancel(_ id: MCPCore.RequestID) {
        lock.withLock { $0.inFlight[id] }?.cancel()
    }

    func close() {
        for task in lock.withLock({ Array($0.inFlight.values) }) { task.cancel() }
        outbox.finish()
    }
}

/// The open streams of the HTTP+SSE transport, by their secure-random ids.
final class LegacySessions: Sendable {
    private let sessions = Mutex<[String: LegacySession]>([:])

    func open(outbox: AsyncStream<ByteBuffer>.Continuation, principal: String, limit: Int) -> String? {
        var random = SystemRandomNumberGenerator()
        let id = Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
        let session = LegacySession(outbox: outbox, principal: principal)
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

    func close(_ id: String) {
        sessions.withLock { $0.removeValue(forKey: id) }?.close()
    }
}
