public import HummingbirdCore
import HummingbirdTLS
public import Logging
public import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL
import Synchronization

/// The HTTP/1.1 server: NIO's bootstrap with Hummingbird's HTTP channel, on a socket it binds
/// itself or on one it inherited (the multi-process runtime passes the listening socket down).
///
/// `Application.run()` cannot adopt a socket, so the server owns this small accept loop and
/// calls the responder for every request; the responder is where routing and policies live.
public final class HTTPServer: Sendable {
    public typealias Responder = HTTPChannelHandler.Responder

    let configuration: HTTPConfiguration
    let responder: Responder
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let connections = ConnectionCounter()
    private let state = Mutex(State())

    struct State {
        var serverChannel: (any Channel)?
        var acceptor: SocketAcceptor?
        var quiescing: ServerQuiescingHelper?
        var shuttingDown = false
    }

    public init(
        configuration: HTTPConfiguration, responder: @escaping Responder, eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) {
        self.configuration = configuration
        self.responder = responder
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// The bound address, once listening.
    public var localAddress: SocketAddress? { state.withLock { $0.serverChannel?.localAddress } }

    /// Connections open right now.
    public var openConnections: Int { connections.count }

    /// Binds (or adopts) the listening socket. Returns once new connections are accepted.
    public func start() async throws {
        let http1 = HTTP1Channel(
            responder: responder,
            configuration: .init(
                idleTimeout: .milliseconds(Int64(configuration.keepAliveTimeout * 1000)),
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: configuration.maxHeaderBytes, maxHeaderListSize: configuration.maxHeaderBytes,
                    maxHeaderFieldCount: configuration.maxHeaderCount)))
        if let certificate = configuration.tlsCertificateFile, let key = configuration.tlsKeyFile {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            tls.minimumTLSVersion = .tlsv12
            try await start(child: TLSChannel(http1, tlsConfiguration: tls))
        } else {
            try await start(child: http1)
        }
    }

    private func start<Child: ServerChildChannel>(child: Child) async throws {
        let quiescing = ServerQuiescingHelper(group: eventLoopGroup)
        let logger = logger
        let connections = connections
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
                    Task { await child.handle(value: value, logger: logger) }
                    return ()
                }
            }
        switch configuration.listener {
        case .bind(let host, let port):
            let channel = try await bootstrap.bind(host: host, port: port).get()
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
        let group = eventLoopGroup
        let acceptor = try SocketAcceptor(listening: descriptor)
        let limit = configuration.maxConnections
        acceptor.start(canAccept: { connections.count < limit }) { connection in
            ClientBootstrap(group: group)
                .channelOption(ChannelOptions.allowRemoteHalfClosure, value: false)  // as above
                .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    connections.opened()
                    channel.closeFuture.whenComplete { _ in connections.closed() }
                    return child.setup(channel: channel, logger: logger).map { value in
                        Task { await child.handle(value: value, logger: logger) }
                        return ()
                    }
                }
                .withConnectedSocket(connection).whenFailure { error in
                    logger.debug("could not adopt a connection", metadata: ["error": "\(error)"])
                }
        }
        state.withLock { $0.acceptor = acceptor }
        logger.info(
            "accepting on the shared socket", metadata: ["fd": "\(descriptor)", "tls": "\(configuration.isTLS)"])
    }

    /// Stops accepting, lets requests in flight finish, closes idle connections; returns when
    /// every connection is closed.
    public func shutdownGracefully() async {
        let (quiescing, acceptor) = state.withLock { state -> (ServerQuiescingHelper?, SocketAcceptor?) in
            guard !state.shuttingDown else { return (nil, nil) }
            state.shuttingDown = true
            return (state.quiescing, state.acceptor)
        }
        acceptor?.stop()
        guard let quiescing else { return }
        let promise = eventLoopGroup.next().makePromise(of: Void.self)
        quiescing.initiateShutdown(promise: promise)
        try? await promise.futureResult.get()
    }

    /// Stops accepting new connections but leaves open ones alone ("lazy drain"): the responder
    /// answers each connection's next request with `Connection: close`, and the client closes it.
    /// No idle connection is closed under a client that may be sending, which is what makes
    /// recycling a worker lose no request.
    public func stopAccepting() async {
        let (channel, acceptor) = state.withLock { state -> ((any Channel)?, SocketAcceptor?) in
            state.shuttingDown = true
            return (state.serverChannel, state.acceptor)
        }
        acceptor?.stop()
        try? await channel?.close()
    }

    /// Waits until every connection is closed or `deadline` passes; returns the connections
    /// still open then.
    public func waitForConnections(until deadline: ContinuousClock.Instant) async -> Int {
        while connections.count > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return connections.count
    }

    /// Waits until the listening socket is closed.
    public func waitUntilClosed() async {
        guard let channel = state.withLock({ $0.serverChannel }) else { return }
        try? await channel.closeFuture.get()
    }
}

/// Open connections of a server.
final class ConnectionCounter: Sendable {
    private let value = Atomic<Int>(0)

    func opened() { value.wrappingAdd(1, ordering: .relaxed) }
    func closed() { value.wrappingSubtract(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}
