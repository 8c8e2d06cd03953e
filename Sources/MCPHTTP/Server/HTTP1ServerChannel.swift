import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Hummingbird's `HTTP1Channel` with the HTTP/1 codec changed: ``HTTP1ServerCodec`` converts
/// request heads and writes answers itself, in place of swift-nio-extras'
/// `HTTP1ToHTTPServerCodec` and NIO's `HTTPResponseEncoder`. The pipeline is otherwise the one
/// Hummingbird builds (NIO's HTTP/1 request decoder with the same limits, its connection-state
/// handler with the idle timeout), and requests are served by Hummingbird's own `handleHTTP`.
struct HTTP1ServerChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let idleTimeout: Duration?
    let decoderLimits: NIOHTTPDecoderLimitConfiguration
    /// The scheme requests are given, and whether answers carry HSTS: true under TLS.
    let secure: Bool
    /// The `Date` every answer is stamped with, shared by the server's connections.
    let dates: DateHeader

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // What `configureHTTPServerPipeline` adds with Hummingbird's settings (no pipelining
            // assistance: NIOAsyncChannel reads one request at a time; no error handler: errors
            // are answered by `handleHTTP`; no outbound validation: swift-http-types validated the
            // fields), with this codec in place of NIO's response encoder.
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(
                    HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: decoderLimits)))
            try channel.pipeline.syncOperations.addHandler(
                HTTP1ServerCodec(
                    secure: secure, writer: ResponseHeadWriter(stamps: ResponseStamps(tls: secure, dates: dates))))
            try channel.pipeline.syncOperations.addHandler(
                HTTPConnectionStateHandler(idleTimeout: idleTimeout, logger: logger))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}
