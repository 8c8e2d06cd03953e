import HTTPTypes
import Hummingbird
import MCPCore
import NIOCore
import Synchronization

/// Where a request's events go once it turned out to stream.
protocol EventTarget: Sendable {
    func message(_ bytes: [UInt8])
    func final(_ reply: Reply)
}

/// Streams into an SSE response body only (2026-07-28: no ids, no replay, HTTP-M-14).
struct PlainEventTarget: EventTarget {
    let continuation: AsyncStream<ByteBuffer>.Continuation

    func message(_ bytes: [UInt8]) { continuation.yield(SSE.event(bytes)) }

    func final(_ reply: Reply) {
        continuation.yield(SSE.event(reply.bytes))
        continuation.finish()
    }
}

/// Streams through a session's ``StreamHub``, so the events can be replayed after a reconnect.
struct SessionEventTarget: EventTarget {
    let hub: StreamHub
    let token: String
    let stream: Int

    func message(_ bytes: [UInt8]) { hub.append(token: token, stream: stream, message: bytes, final: false) }
    func final(_ reply: Reply) { hub.append(token: token, stream: stream, message: reply.bytes, final: true) }
}

/// How a request is answered: JSON when it finished without a notification, else a stream.
enum ReplyDecision: Sendable {
    case json(Reply)
    case stream
}

/// The sink a request's notifications reach: the first one opens the stream target.
final class DecidingSink: NotificationSink {
    private let target = Mutex<(any EventTarget)?>(nil)
    private let makeTarget: @Sendable () -> any EventTarget
    private let decided: AsyncStream<ReplyDecision>.Continuation

    init(makeTarget: @escaping @Sendable () -> any EventTarget, decided: AsyncStream<ReplyDecision>.Continuation) {
        self.makeTarget = makeTarget
        self.decided = decided
    }

    func send(_ message: [UInt8]) async {
        guard !Task.isCancelled else { return }
        let current = target.withLock { target -> any EventTarget in
            if let target { return target }
            let created = makeTarget()
            target = created
            decided.yield(.stream)
            return created
        }
        current.message(message)
    }

    /// Delivers the answer: into the stream when one opened, else as the JSON decision.
    func finish(_ reply: Reply) {
        if let current = target.withLock({ $0 }) {
            current.final(reply)
        } else {
            decided.yield(.json(reply))
        }
        decided.finish()
    }
}

extension StreamableHTTPEndpoint {
    /// Serves a request, answering with JSON unless it sends notifications and the client takes
    /// SSE (HTTP-4). Modern requests are cancelled when the client goes away (HTTP-M-13);
    /// handshake-era ones keep running and stay resumable within their session (HTTP-L-10).
    func respond(
        to rpc: JSONRPCRequest, era: Era, context: MCPRequestContext, accepted: AcceptedTypes, cancelOnDisconnect: Bool,
        session: SealedSession? = nil, client: String = ""
    ) async -> Response {
        let logger = context.logger
        let wantsNotifications =
            era.logLevel != nil || Self.progressToken(of: rpc, era: era) != nil
            || (era.isModern && rpc.method == "subscriptions/listen")
        let status = status
        guard accepted.eventStream && wantsNotifications else {
            status.beginRequest()
            defer { status.endRequest() }
            let reply: Reply
            if cancelOnDisconnect && server.mayRunLong(rpc) {
                reply = await disconnects.cancellingOnClose(context.channel) {
                    await server.serve(rpc, era: era, logger: logger).0
                }
            } else {
                reply = await server.serve(rpc, era: era, logger: logger).0
            }
            return jsonReply(reply, context: context)
        }
        let (decisions, decided) = AsyncStream.makeStream(of: ReplyDecision.self)
        let (output, continuation) = AsyncStream.makeStream(
            of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(1024))
        let hub = sessions.hub
        let resumable = session.map { session in (session.token, session.state.version >= .v2025_11_25) }
        let streamNumber = Mutex<Int?>(nil)
        let makeTarget: @Sendable () -> any EventTarget = {
            guard let (token, _) = resumable else { return PlainEventTarget(continuation: continuation) }
            let (number, hubOutput) = hub.open(token: token)
            streamNumber.withLock { $0 = number }
            Task {
                for await buffer in hubOutput { continuation.yield(buffer) }
                continuation.finish()
            }
            return SessionEventTarget(hub: hub, token: token, stream: number)
        }
        let sink = DecidingSink(makeTarget: makeTarget, decided: decided)
        let record = context.record
        status.beginRequest()
        let task = Task {
            defer { status.endRequest() }
            let reply = await server.serve(rpc, era: era, sink: sink, client: client, logger: logger).0
            record.update { values in
                values.toolName = reply.toolName
                values.toolFailed = reply.toolFailed
            }
            sink.finish(reply)
        }
        var decision = ReplyDecision.json(.error(.internalError(), id: rpc.id))
        for await next in decisions {
            decision = next
            break
        }
        switch decision {
        case .json(let reply):
            return jsonReply(reply, context: context)
        case .stream:
            let keepAlive = Duration.milliseconds(Int(configuration.sseKeepAliveInterval * 1000))
            var prefix: ByteBuffer?
            if let (token, primes) = resumable, primes, let number = streamNumber.withLock({ $0 }) {
                prefix = SSE.priming(id: hub.primingID(token: token, stream: number))
            }
            return Self.sseResponse(output, keepAlive: keepAlive, prefix: prefix) {
                if cancelOnDisconnect {
                    task.cancel()
                } else if let (token, _) = resumable, let number = streamNumber.withLock({ $0 }) {
                    hub.detach(token: token, stream: number, generation: 0)
                }
            }
        }
    }

    func jsonReply(_ reply: Reply, context: MCPRequestContext) -> Response {
        if reply.toolName != nil {
            context.record.update { values in
                values.toolName = reply.toolName
                values.toolFailed = reply.toolFailed
            }
        }
        return HTTPMessages.json(reply.bytes, status: HTTPStatusMapping.status(forErrorCode: reply.errorCode))
    }

    static func progressToken(of rpc: JSONRPCRequest, era: Era) -> JSONValue? {
        switch era {
        case .modern(let envelope): return envelope.progressToken
        case .handshake: return rpc.params?["_meta"]?["progressToken"]
        }
    }

    /// An SSE response draining `output`, with keep-alive comments when it is quiet.
    /// `onEnd` runs when the body ends early because the client went away.
    static func sseResponse(
        _ output: AsyncStream<ByteBuffer>, keepAlive: Duration, prefix: ByteBuffer? = nil,
        onEnd: @escaping @Sendable () -> Void
    ) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream", .cacheControl: "no-cache, no-transform", .accelBuffering: "no",
        ]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let merged = KeepAliveStream.merge(output, interval: keepAlive)
                HTTPMetrics.streamOpened()
                defer { HTTPMetrics.streamClosed() }
                do {
                    if let prefix { try await writer.write(prefix) }
                    for await buffer in merged { try await writer.write(buffer) }
                    try await writer.finish(nil)
                } catch {
                    onEnd()
                    throw error
                }
                onEnd()
            })
    }
}

/// Interleaves keep-alive comments into an SSE stream whenever it is quiet for `interval`.
enum KeepAliveStream {
    static func merge(_ source: AsyncStream<ByteBuffer>, interval: Duration) -> AsyncStream<ByteBuffer> {
        let (merged, continuation) = AsyncStream.makeStream(
            of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(1024))
        let forward = Task {
            for await buffer in source { continuation.yield(buffer) }
            continuation.finish()
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                continuation.yield(SSE.keepAlive)
            }
        }
        continuation.onTermination = { _ in
            forward.cancel()
            ticker.cancel()
        }
        return merged
    }
}
