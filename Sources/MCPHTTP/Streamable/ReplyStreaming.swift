import HTTPTypes
import Hummingbird
import MCPCore
import NIOCore
import Synchronization

/// Where a request's events go once it turned out to stream.
protocol EventTarget: Sendable {
    func message(_ bytes: [UInt8])
    /// The request's answer, or nil when it was cancelled: the stream ends without one.
    func final(_ reply: Reply?)
}

/// Streams into an SSE response body only (2026-07-28: no ids, no replay, HTTP-M-14).
struct PlainEventTarget: EventTarget {
    let continuation: AsyncStream<ByteBuffer>.Continuation

    func message(_ bytes: [UInt8]) { continuation.yield(SSE.event(bytes)) }

    func final(_ reply: Reply?) {
        if let reply { continuation.yield(SSE.event(reply.bytes)) }
        continuation.finish()
    }
}

/// Streams through a session's ``StreamHub``, so the events can be replayed after a reconnect.
struct SessionEventTarget: EventTarget {
    let hub: StreamHub
    let token: String
    let stream: Int

    func message(_ bytes: [UInt8]) { hub.append(token: token, stream: stream, message: bytes, final: false) }
    func final(_ reply: Reply?) {
        if let reply {
            hub.append(token: token, stream: stream, message: reply.bytes, final: true)
        } else {
            hub.end(token: token, stream: stream)
        }
    }
}

/// How a request is answered: JSON when it finished without sending anything first, a stream
/// when it did, nothing (202) when it was cancelled before either.
enum ReplyDecision: Sendable {
    case json(Reply)
    case stream
    case nothing
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

    /// Delivers the answer: into the stream when one opened, else as the JSON decision. Nil
    /// (the client cancelled the request) ends the stream without an answer (CAN-1).
    func finish(_ reply: Reply?) {
        if let current = target.withLock({ $0 }) {
            current.final(reply)
        } else {
            decided.yield(reply.map { .json($0) } ?? .nothing)
        }
        decided.finish()
    }
}

extension StreamableHTTPEndpoint {
    /// Serves a routed request, answering with JSON unless it sends something first and the
    /// client takes SSE (HTTP-4). Modern requests are cancelled when the client goes away
    /// (HTTP-M-13); handshake-era ones keep running and stay resumable in their session (HTTP-L-10).
    func serve(
        _ routed: Exchange, session: SealedSession?, request: Request, context: MCPRequestContext,
        accepted: AcceptedTypes
    ) async -> Response {
        var routed = routed
        if routed.isSubscription {
            // Answered only as a stream (HTTP-5), and limited per client (SUB-8).
            guard accepted.eventStream else {
                return HTTPMessages.problem(.notAcceptable, "subscriptions/listen needs Accept: text/event-stream")
            }
            context.record.update { $0.isSubscription = true }
            routed.clientKey =
                context.principal
                ?? configuration.trustedProxies.clientAddress(of: request, peer: context.channel.remoteAddress) ?? ""
        }
        let logger = context.logger
        let exchange = routed
        let cancelOnDisconnect = exchange.cancelsWhenClientLeaves
        guard accepted.eventStream && (exchange.mayNotify || exchange.mayAskClient) else {
            status.beginRequest()
            defer { status.endRequest() }
            let served: Served
            if cancelOnDisconnect && exchange.mayRunLong {
                served = await disconnects.cancellingOnClose(context.channel) {
                    await router.serve(exchange, sink: nil, logger: logger)
                }
            } else {
                served = await router.serve(exchange, sink: nil, logger: logger)
            }
            keep(served.session, of: session)
            guard let reply = served.reply else { return HTTPMessages.empty(.accepted) }
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
        let status = status
        status.beginRequest()
        let task = Task {
            defer { status.endRequest() }
            let served = await router.serve(exchange, sink: sink, logger: logger)
            keep(served.session, of: session)
            if let reply = served.reply {
                record.update { values in
                    values.toolName = reply.toolName
                    values.toolFailed = reply.toolFailed
                }
            }
            sink.finish(served.reply)
        }
        // Noticed at once, not at the first write (HTTP-M-13): the stream may stay quiet for long.
        let watch = cancelOnDisconnect ? disconnects.watch(context.channel) { task.cancel() } : nil
        var decision = ReplyDecision.json(.error(.internalError(), id: exchange.request?.message.id))
        for await next in decisions {
            decision = next
            break
        }
        switch decision {
        case .json(let reply):
            if let watch { disconnects.unwatch(watch) }
            return jsonReply(reply, context: context)
        case .nothing:
            if let watch { disconnects.unwatch(watch) }
            return HTTPMessages.empty(.accepted)
        case .stream:
            var prefix: ByteBuffer?
            if let (token, primes) = resumable, primes, let number = streamNumber.withLock({ $0 }) {
                prefix = SSE.priming(id: hub.primingID(token: token, stream: number))
            }
            let disconnects = disconnects
            return sseResponse(output, prefix: prefix, channel: context.channel) {
                if cancelOnDisconnect {
                    if let watch { disconnects.unwatch(watch) }
                    task.cancel()
                } else if let (token, _) = resumable, let number = streamNumber.withLock({ $0 }) {
                    hub.detach(token: token, stream: number, generation: 0)
                }
            }
        }
    }

    /// Keeps what a request changed in its session (`logging/setLevel`), for every worker.
    func keep(_ state: SessionState?, of session: SealedSession?) {
        guard let session, let level = state?.logLevel else { return }
        sessions.setLogLevel(session, level: level)
    }

    func jsonReply(_ reply: Reply, context: MCPRequestContext) -> Response {
        if reply.toolName != nil {
            context.record.update { values in
                values.toolName = reply.toolName
                values.toolFailed = reply.toolFailed
            }
        }
        return HTTPMessages.json(reply, status: HTTPStatusMapping.status(forErrorCode: reply.errorCode))
    }

    /// An SSE response draining `output`, with keep-alive comments when it is quiet.
    /// `onEnd` runs when the body ends early because the client went away.
    /// The stream also ends as soon as the client closes `channel`, so what it holds is released
    /// at once (not at the next keep-alive write).
    func sseResponse(
        _ output: AsyncStream<ByteBuffer>, prefix: ByteBuffer? = nil, channel: any Channel,
        onEnd: @escaping @Sendable () -> Void
    ) -> Response {
        Self.sseResponse(
            output, keepAlive: .milliseconds(Int(configuration.sseKeepAliveInterval * 1000)), prefix: prefix,
            channel: channel, disconnects: disconnects, onEnd: onEnd)
    }

    static func sseResponse(
        _ output: AsyncStream<ByteBuffer>, keepAlive: Duration, prefix: ByteBuffer? = nil, channel: any Channel,
        disconnects: DisconnectWatchers, onEnd: @escaping @Sendable () -> Void
    ) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream", .cacheControl: "no-cache, no-transform", .accelBuffering: "no",
        ]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let (merged, end) = KeepAliveStream.merge(output, interval: keepAlive)
                let watch = disconnects.watch(channel, end)
                defer { disconnects.unwatch(watch) }
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
    /// The merged stream, and an action that ends it early (the client left).
    static func merge(
        _ source: AsyncStream<ByteBuffer>, interval: Duration
    ) -> (AsyncStream<ByteBuffer>, @Sendable () -> Void) {
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
        return (merged, { continuation.finish() })
    }
}
