import Foundation
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Testing

@testable import MCPHTTP

/// The server's HTTP/1 codec must put on the wire exactly what the library pipeline Hummingbird
/// builds puts there (swift-nio-extras' `HTTP1ToHTTPServerCodec` over NIO's paired decoder and
/// `HTTPResponseEncoder`): the same bytes for every answer, and the same refusals.
@Suite("Response encoding")
struct ResponseEncodingTests {
    /// What one side made of an exchange: the bytes written, and which writes were refused.
    struct Wire: Equatable, CustomStringConvertible {
        var bytes = ""
        var refused: [Int] = []
        var description: String { "\(bytes.debugDescription) refused \(refused)" }
    }

    /// Requests as bytes, then the parts the server writes in answer, in order.
    struct Exchange: Sendable, CustomStringConvertible {
        let name: String
        let requests: String
        let parts: [HTTPResponsePart]
        var description: String { name }
    }

    static func get(_ method: String = "GET", _ target: String = "/mcp") -> String {
        "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    }

    static func answer(
        _ status: HTTPResponse.Status, _ fields: HTTPFields = [:], body: [String] = [], trailers: HTTPFields? = nil
    ) -> [HTTPResponsePart] {
        [.head(HTTPResponse(status: status, headerFields: fields))]
            + body.map { .body(ByteBuffer(string: $0)) } + [.end(trailers)]
    }

    static let json: HTTPFields = [.contentType: "application/json", .contentLength: "2"]

    static let exchanges: [Exchange] = [
        Exchange(name: "sized", requests: get(), parts: answer(.ok, json, body: ["{}"])),
        Exchange(
            name: "streamed", requests: get(),
            parts: answer(.ok, [.contentType: "text/event-stream"], body: ["a", "", "bc"])),
        Exchange(
            name: "trailers", requests: get(),
            parts: answer(.ok, [:], body: ["x"], trailers: [HTTPField.Name("X-Checksum")!: "1"])),
        Exchange(
            name: "framing set by the route", requests: get(),
            parts: answer(.ok, [.contentLength: "1", .transferEncoding: "gzip"], body: ["x"])),
        Exchange(
            name: "chunked set by the route", requests: get(),
            parts: answer(.ok, [.transferEncoding: "chunked", .contentType: "text/plain"], body: ["x"])),
        Exchange(
            name: "no content", requests: get(),
            parts: answer(.noContent, [.contentLength: "0", .transferEncoding: "chunked", .cacheControl: "no-store"])),
        Exchange(name: "not modified", requests: get(), parts: answer(.notModified, [.contentLength: "20"])),
        Exchange(name: "HEAD, sized", requests: get("HEAD"), parts: answer(.ok, json, body: ["{}"])),
        Exchange(name: "HEAD, unsized", requests: get("HEAD"), parts: answer(.ok, [:])),
        Exchange(
            name: "CONNECT", requests: get("CONNECT", "example.com:443"),
            parts: answer(.ok, [.contentLength: "2"], body: ["{}"])),
        Exchange(
            name: "100 Continue, then the answer to a HEAD", requests: get("HEAD"),
            parts: [.head(HTTPResponse(status: .continue))] + answer(.ok, json, body: ["{}"])),
        Exchange(
            name: "pipelined HEAD then GET", requests: get("HEAD") + get(),
            parts: answer(.ok, json, body: ["{}"]) + answer(.ok, json, body: ["{}"])),
        Exchange(name: "client error", requests: get(), parts: answer(.badRequest, [.contentLength: "0"])),
        Exchange(
            name: "reason phrases", requests: get() + get() + get() + get(),
            parts: answer(.init(code: 200, reasonPhrase: "Fine"), json, body: ["{}"])
                + answer(.init(code: 299, reasonPhrase: "Fine"), json, body: ["{}"])
                + answer(.init(code: 599), json, body: ["{}"]) + answer(.init(code: 418), json, body: ["{}"])),
        Exchange(
            name: "field spellings and bytes", requests: get(),
            parts: answer(
                .ok,
                [
                    HTTPField.Name("x-lower")!: "a", HTTPField.Name("X-Mixed-Case")!: "café", .contentLength: "0",
                    HTTPField.Name("X-Empty")!: "", .setCookie: "a=1", .setCookie: "b=2",
                ])),
    ]

    /// Runs `exchange` through the pipeline `setup` builds and collects what it wrote.
    static func wire(_ exchange: Exchange, setup: (ChannelPipeline.SynchronousOperations) throws -> Void) throws -> Wire
    {
        let channel = EmbeddedChannel()
        try setup(channel.pipeline.syncOperations)
        try channel.writeInbound(ByteBuffer(string: exchange.requests))
        var futures: [EventLoopFuture<Void>] = []
        for part in exchange.parts {
            let promise = channel.eventLoop.makePromise(of: Void.self)
            channel.write(part, promise: promise)
            channel.flush()
            futures.append(promise.futureResult)
        }
        var wire = Wire()
        while let data = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = data else { continue }
            wire.bytes += String(buffer: buffer)
        }
        // An embedded channel completes a write when it is flushed: every future is done.
        for (index, future) in futures.enumerated() where (try? future.wait()) == nil { wire.refused.append(index) }
        _ = try channel.finish(acceptAlreadyClosed: true)
        return wire
    }

    /// What Hummingbird's `HTTP1Channel` builds: NIO's paired decoder and encoder, and
    /// swift-nio-extras' codec.
    static func libraryPipeline(_ pipeline: ChannelPipeline.SynchronousOperations) throws {
        try pipeline.configureHTTPServerPipeline(
            withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false)
        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
    }

    /// What ``HTTP1ServerChannel`` builds.
    static func serverPipeline(stamps: ResponseStamps? = nil) -> (ChannelPipeline.SynchronousOperations) throws -> Void
    {
        { pipeline in
            try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
            try pipeline.addHandler(HTTP1ServerCodec(secure: false, writer: ResponseHeadWriter(stamps: stamps)))
        }
    }

    @Test(arguments: exchanges)
    func writesWhatTheLibraryWrites(_ exchange: Exchange) throws {
        let expected = try Self.wire(exchange, setup: Self.libraryPipeline)
        let written = try Self.wire(exchange, setup: Self.serverPipeline())
        #expect(written == expected)
        #expect(!expected.bytes.isEmpty)
    }

    /// Every answer gets `Date` and the security headers once, in place of any the route set,
    /// but a route's own `Cache-Control` and `Content-Security-Policy` stay.
    @Test func stampsDateAndSecurityHeaders() throws {
        func head(_ fields: HTTPFields, tls: Bool = false) throws -> [String] {
            let exchange = Exchange(name: "", requests: Self.get(), parts: Self.answer(.ok, fields))
            let wire = try Self.wire(exchange, setup: Self.serverPipeline(stamps: .init(tls: tls, dates: DateHeader())))
            return wire.bytes.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        }
        func value(_ name: String, in lines: [String]) -> [String] {
            lines.filter { $0.lowercased().hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
        }

        let plain = try head([.contentType: "application/json", .contentLength: "0", .date: "yesterday"])
        #expect(value("date", in: plain).count == 1)
        #expect(value("date", in: plain).first?.hasSuffix(" GMT") == true)
        #expect(value("x-content-type-options", in: plain) == ["nosniff"])
        #expect(value("x-frame-options", in: plain) == ["DENY"])
        #expect(value("referrer-policy", in: plain) == ["no-referrer"])
        #expect(value("cache-control", in: plain) == ["no-store"])
        #expect(value("strict-transport-security", in: plain).isEmpty)
        #expect(value("content-security-policy", in: plain).isEmpty)

        let tls = try head([.contentLength: "0"], tls: true)
        #expect(value("strict-transport-security", in: tls) == ["max-age=31536000; includeSubDomains"])

        let page = try head([.contentType: "text/html; charset=utf-8", .contentLength: "0"])
        #expect(value("content-security-policy", in: page) == [SecurityHeaders.contentSecurityPolicy])
        #expect(value("cache-control", in: page) == ["no-store"])

        let routeSet = try head([
            .contentType: "text/html", .contentSecurityPolicy: "default-src 'self'", .cacheControl: "max-age=60",
            HTTPField.Name("X-Frame-Options")!: "SAMEORIGIN", .contentLength: "0", .date: "yesterday",
        ])
        #expect(value("date", in: routeSet).count == 1)
        #expect(value("content-length", in: routeSet) == ["0"])
        #expect(value("content-security-policy", in: routeSet) == ["default-src 'self'"])
        #expect(value("cache-control", in: routeSet) == ["max-age=60"])
        #expect(value("x-frame-options", in: routeSet) == ["DENY"])
        #expect(value("x-content-type-options", in: routeSet) == ["nosniff"])
    }
}
