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
    private let state = Mutex(State())

    struct State {
        var serverChannel: (any Channel)?
        var quiescing: ServerQuiescingHelper?
        var shuttingDown = false
    }

    public init(configuration: HTTPConfiguration, responder: @escaping Responder, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.responder = responder
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// The bound address, once listening.
    public var localAddress: SocketAddress? { state.withLock { $0.serverChannel?.localAddress } }

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
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                child.setup(channel: channel, logger: logger).map { value in
                    Task { await child.handle(value: value, logger: logger) }
                    return ()
                }
            }
        let channel: any Channel
        switch configuration.listener {
        case .bind(let host, let port):
            channel = try await bootstrap.bind(host: host, port: port).get()
        case .inheritedSocket(let descriptor):
            channel = try await bootstrap.withBoundSocket(descriptor).get()
        }
        state.withLock {
            $0.serverChannel = channel
            $0.quiescing = quiescing
        }
        logger.info("listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")", "tls": "\(configuration.isTLS)"])
    }

    /// Stops accepting, lets requests in flight finish, closes idle connections; returns when
    /// every connection is closed.
    public func shutdownGracefully() async {
        let quiescing = state.withLock { state -> ServerQuiescingHelper? in
            guard !state.shuttingDown else { return nil }
            state.shuttingDown = true
            return state.quiescing
        }
        guard let quiescing else { return }
        let promise = eventLoopGroup.next().makePromise(of: Void.self)
        quiescing.initiateShutdown(promise: promise)
        try? await promise.futureResult.get()
    }

    /// Waits until the listening socket is closed.
    public func waitUntilClosed() async {
        guard let channel = state.withLock({ $0.serverChannel }) else { return }
        try? await channel.closeFuture.get()
    }
}
