package import HummingbirdCore
package import Logging
import MCPPlatform
package import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import Synchronization

#if TLS
    import HummingbirdTLS
    import NIOSSL
#endif

/// The HTTP/1.1 server: NIO's bootstrap with Hummingbird's HTTP channel, on a socket it binds
/// itself or on one it inherited (the multi-process runtime passes the listening socket down).
///
/// `Application.run()` cannot adopt a socket, so the server owns this small accept loop and
/// calls the responder for every request; the responder is where routing and policies live.
package final class HTTPServer: Sendable {
    /// Answers one request on a connection: Hummingbird's responder signature.
    package typealias Responder = HTTPChannelHandler.Responder

    let configuration: HTTPConfiguration
    let responder: Responder
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let connections = ConnectionCounter()
    /// Where the seat taken in the accept-balance table goes, for answers to read.
    let seatHolder: BalanceSeatHolder
    private let state = Mutex(State())
    /// Accepted connections, each as the work of serving it; ``serve()`` runs them.
    private let accepted: AsyncStream<Connection>
    private let accept: AsyncStream<Connection>.Continuation

    /// Serving one accepted connection, until it closes.
    typealias Connection = @Sendable () async -> Void

    struct State {
        var serverChannel: (any Channel)?
        var acceptor: SocketAcceptor?
        var quiescing: ServerQuiescingHelper?
        var shuttingDown = false
    }

    /// A server that listens where `configuration.listener` says and hands every request to `responder`.
    package init(
        configuration: HTTPConfiguration, responder: @escaping Responder, eventLoopGroup: any EventLoopGroup,
        logger: Logger, seatHolder: BalanceSeatHolder = BalanceSeatHolder()
    ) {
        self.configuration = configuration
        self.seatHolder = seatHolder
        self.responder = responder
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        (accepted, accept) = AsyncStream.makeStream(of: Connection.self)
    }

    /// The bound address, once listening.
    package var localAddress: SocketAddress? { state.withLock { $0.serverChannel?.localAddress } }

    /// Connections open right now.
    package var openConnections: Int { connections.count }

    /// Binds (or adopts) the listening socket. Connections accepted from then on are served by
    /// ``serve()``.
    package func start() async throws {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = configuration.maxHeaderBytes
        limits.maxHeaderListSize = configuration.maxHeaderBytes
        limits.maxHeaderFieldCount = configuration.maxHeaderCount
        let http1 = HTTP1ServerChannel(
            responder: responder, idleTimeout: .milliseconds(Int64(configuration.keepAliveTimeout * 1000)),
            decoderLimits: limits, secure: configuration.isTLS, dates: DateHeader())
        if let certificate = configuration.tlsCertificateFile, let key = configuration.tlsKeyFile {
            #if TLS
                var tls = TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
                tls.minimumTLSVersion = .tlsv12
                try await start(child: TLSChannel(http1, tlsConfiguration: tls))
            #else
                _ = (certificate, key)
                throw TLSNotBuilt()
            #endif
        } else {
            try await start(child: http1)
        }
    }

    private func start<Child: ServerChildChannel>(child: Child) async throws {
        let quiescing = ServerQuiescingHelper(group: eventLoopGroup)
        let logger = logger
        let connections = connections
        let accept = accept
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            // A client's FIN closes the connection at once: that is how a client that went away
            // is noticed before the answer is written (HTTP-M-13), as uvicorn does.
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: false)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [limit = configuration.maxConnections] channel in
                guard connections.count < limit else {
                    // Over the connection limit: refuse at once rather than queue work we cannot serve.
                    return channel.close()
                }
                connections.opened()
                channel.closeFuture.whenComplete { _ in connections.closed() }
                return child.setup(channel: channel, logger: logger).map { value in
                    Self.enqueue(accept) { await child.handle(value: value, logger: logger) }
                }
            }
        switch configuration.listener {
        case .bind(let host, let port):
            let channel: any Channel
            do {
                channel = try await bootstrap.bind(host: host, port: port).get()
            } catch let error as IOError {
                throw ListenError(host: host, port: port, reason: SystemErrno.message(error.errnoCode))
            } catch {
                throw ListenError(host: host, port: port, reason: "\(error)")
            }
            state.withLock {
                $0.serverChannel = channel
                $0.quiescing = quiescing
            }
            logger.info(
                "listening",
                metadata: [
                    "address": "\(channel.localAddress.map { "\($0)" } ?? "?")", "tls": "\(configuration.isTLS)",
                ])
        case .inheritedSocket(let descriptor):
            try startAccepting(on: descriptor, child: child)
        }
    }

    /// Serves a listening socket shared with sibling processes: a ``SocketAcceptor`` accepts,
    /// NIO takes each connection from there.
    private func startAccepting<Child: ServerChildChannel>(on descriptor: Int32, child: Child) throws {
        let logger = logger
        let connections = connections
        let accept = accept
        let group = eventLoopGroup
        var turn: FileLock?
        if let path = configuration.acceptLockPath {
            guard let lock = FileLock(path: path) else {
                throw AcceptFileError(file: "accept lock", path: path, reason: SystemErrno.message(SystemErrno.current))
            }
            turn = lock
        }
        let seat = try configuration.acceptBalancePath.flatMap { path in
            turn == nil ? try AcceptBalance(path: path).takeSeat(pid: Processes.currentID) : nil
        }
        seatHolder.hold(seat)
        let acceptor = try SocketAcceptor(listening: descriptor, turn: turn, balance: seat)
        let limit = configuration.maxConnections
        let turnTaken: @Sendable (Bool) -> Void = { taken in
            logger.info(taken ? "accepting: this worker has the accept turn" : "standing by: accept turn let go")
        }
        let closed: @Sendable () -> Void = {
            connections.closed()
            seat?.closed()
        }
        acceptor.start(canAccept: { connections.count < limit }, turnTaken: turnTaken) { connection in
            // Counted from the moment it is accepted, so a drain cannot end before it is served
            // (and before the acceptor decides on the next one).
            connections.opened()
            seat?.opened()
            ClientBootstrap(group: group)
                .channelOption(ChannelOptions.allowRemoteHalfClosure, value: false)  // as above
                .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.closeFuture.whenComplete { _ in closed() }
                    return child.setup(channel: channel, logger: logger).map { value in
                        Self.enqueue(accept) { await child.handle(value: value, logger: logger) }
                    }
                }
                .withConnectedSocket(connection).whenFailure { error in
                    closed()
                    logger.debug("could not adopt a connection", metadata: ["error": "\(error)"])
                }
        }
        state.withLock { $0.acceptor = acceptor }
        logger.info(
            "accepting on the shared socket",
            metadata: [
                "fd": "\(descriptor)", "tls": "\(configuration.isTLS)",
                "accepting": "\(turn != nil ? "one" : seat != nil ? "balanced" : "all")",
            ])
    }

    /// Serves every accepted connection in a task of its own, in one discarding task group:
    /// returns once accepting has stopped and every connection has closed. Cancelling it closes
    /// the connections still open.
    package func serve() async {
        await withDiscardingTaskGroup { group in
            for await connection in accepted {
                group.addTask { await connection() }
            }
        }
    }

    /// Stops accepting new connections but leaves open ones alone ("lazy drain"): the responder
    /// answers each connection's next request with `Connection: close`, and the client closes it.
    /// No idle connection is closed under a client that may be sending, which is what makes
    /// recycling a worker lose no request. ``serve()`` returns when the last one has closed.
    package func stopAccepting() async {
        let (channel, acceptor) = state.withLock { state -> ((any Channel)?, SocketAcceptor?) in
            state.shuttingDown = true
            return (state.serverChannel, state.acceptor)
        }
        await acceptor?.stop()
        try? await channel?.close()
        let accept = accept
        connections.drain { accept.finish() }
    }

    /// Hands a connection to ``serve()``; one that arrives after serving ended (the last
    /// moments of a shutdown) is still served, in a task of its own.
    static func enqueue(_ accept: AsyncStream<Connection>.Continuation, _ connection: @escaping Connection) {
        if case .terminated = accept.yield(connection) { Task { await connection() } }
    }

    /// Also closes idle connections at once (a single process stopping): NIO's quiescing helper
    /// lets requests in flight finish and closes each connection after its current answer.
    package func closeIdleConnections() async {
        let quiescing = state.withLock { $0.quiescing }
        await stopAccepting()
        guard let quiescing else { return }
        let promise = eventLoopGroup.next().makePromise(of: Void.self)
        quiescing.initiateShutdown(promise: promise)
        try? await promise.futureResult.get()
    }
}

/// Open connections of a server, and the moment the last one closes once it drains.
final class ConnectionCounter: Sendable {
    private let value = Atomic<Int>(0)
    private let onDrained = Mutex<(@Sendable () -> Void)?>(nil)

    func opened() { value.wrappingAdd(1, ordering: .sequentiallyConsistent) }

    func closed() {
        guard value.wrappingSubtract(1, ordering: .sequentiallyConsistent).newValue == 0 else { return }
        onDrained.withLock { $0 }?()
    }

    var count: Int { value.load(ordering: .relaxed) }

    /// Calls `action` once no connection is open (now, or when the last one closes); it may be
    /// called more than once, so it must be idempotent.
    func drain(_ action: @escaping @Sendable () -> Void) {
        onDrained.withLock { $0 = action }
        if value.load(ordering: .sequentiallyConsistent) == 0 { action() }
    }
}

/// The address could not be listened on (in use, not local, not allowed): says which, and why.
package struct ListenError: Error, CustomStringConvertible {
    /// The host that could not be listened on.
    package let host: String
    /// The port that could not be listened on.
    package let port: Int
    /// Why: the system's error message.
    package let reason: String

    /// `cannot listen on <host>:<port>: <reason>`.
    package var description: String { "cannot listen on \(host):\(port): \(reason)" }
}

/// A certificate was configured in a build without the `TLS` trait (`swift build --traits TLS`).
package struct TLSNotBuilt: Error, CustomStringConvertible {
    /// The error; it carries no detail.
    package init() {}
    /// What to do instead: build with the trait, or terminate TLS in a proxy.
    package var description: String {
        "this build serves no TLS: build with `--traits TLS` (make build does), or terminate TLS in a proxy"
    }
}
