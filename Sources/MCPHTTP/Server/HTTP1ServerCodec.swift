import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// The HTTP/1 codec between NIO's request decoder and Hummingbird: request heads become
/// swift-http-types requests through ``RequestHeadConversion`` (bodies and trailers as in
/// swift-nio-extras' `HTTP1ToHTTPServerCodec`), and answers are written as bytes by
/// ``ResponseHeadWriter`` — framed as NIO's `HTTPResponseEncoder` frames them: a body without
/// `Content-Length` is chunked, answers to `HEAD` and `CONNECT` carry none, a non-final 1xx
/// answers no request.
final class HTTP1ServerCodec: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = IOData

    private let secure: Bool
    private let writer: ResponseHeadWriter
    /// Requests read and not yet answered, oldest first: whether each was `HEAD` or `CONNECT`
    /// (more than one only when a client pipelines).
    private var unanswered: [RequestKind] = []
    /// The answer being written is to `HEAD` or `CONNECT`: its body is refused.
    private var suppressBody = false
    private var chunked = false

    enum RequestKind {
        case head, connect, other
    }

    init(secure: Bool, writer: ResponseHeadWriter) {
        self.secure = secure
        self.writer = writer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            unanswered.append(head.method == .HEAD ? .head : head.method == .CONNECT ? .connect : .other)
            do {
                context.fireChannelRead(wrapInboundOut(.head(try RequestHeadConversion.request(head, secure: secure))))
            } catch {
                context.fireErrorCaught(error)
            }
        case .body(let body):
            context.fireChannelRead(wrapInboundOut(.body(body)))
        case .end(let trailers):
            context.fireChannelRead(wrapInboundOut(.end(trailers.map { HTTPFields($0, splitCookie: false) })))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let response):
            // A 1xx other than 101 is followed by the final answer to the same request.
            let status = response.status
            let code = status.code
            var request = RequestKind.other
            if !((100..<200).contains(code) && code != 101), !unanswered.isEmpty {
                request = unanswered.removeFirst()
                suppressBody = request != .other
            }
            var buffer = context.channel.allocator.buffer(capacity: 512)
            let framing = writer.write(response, status: status, bodyless: request == .connect, into: &buffer)
            chunked = framing == .chunked && !suppressBody
            context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
        case .body(let body):
            if suppressBody {
                // As NIO's encoder: the write is refused rather than dropped, so the caller learns.
                promise?.fail(NIOHTTPResponseEncoderError.responseBodyNotAllowed)
            } else if chunked && body.readableBytes > 0 {
                var line = context.channel.allocator.buffer(capacity: 16)
                line.writeString(String(body.readableBytes, radix: 16))
                line.writeStaticString("\r\n")
                context.write(wrapOutboundOut(.byteBuffer(line)), promise: nil)
                context.write(wrapOutboundOut(.byteBuffer(body)), promise: nil)
                // Writes fail together (the channel closed), so the last one speaks for all three.
                line.moveReaderIndex(forwardBy: line.readableBytes - 2)
                context.write(wrapOutboundOut(.byteBuffer(line)), promise: promise)
            } else {
                context.write(wrapOutboundOut(.byteBuffer(body)), promise: promise)
            }
        case .end(let trailers):
            suppressBody = false
            if chunked {
                var buffer = context.channel.allocator.buffer(capacity: 64)
                buffer.writeStaticString("0\r\n")
                for field in trailers ?? [:] { buffer.writeFieldLine(field) }
                buffer.writeStaticString("\r\n")
                context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
            } else if let promise {
                // Nothing to write, but the promise completes in order with the writes before it.
                context.write(
                    wrapOutboundOut(.byteBuffer(context.channel.allocator.buffer(capacity: 0))), promise: promise)
            }
        }
    }
}
