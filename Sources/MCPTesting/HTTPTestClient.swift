public import MCPCore
import NIOCore
public import NIOHTTP1
import NIOPosix
import Synchronization

#if TLS
    public import NIOSSL
#endif

/// One HTTP response as a test sees it.
public struct HTTPTestResponse: Sendable {
    /// The status code, such as 200; 0 when the server sent no response head.
    public var status: Int
    /// The header fields in the order received, names as sent.
    public var headers: [(String, String)]
    /// The whole body, as received.
    public var body: [UInt8]

    /// A response with the given parts.
    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name`, compared case-insensitively; nil when absent.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// Every value of header `name`, compared case-insensitively, in order.
    public func headers(_ name: String) -> [String] {
        headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
    }

    /// The body decoded as UTF-8.
    public var text: String { String(decoding: body, as: UTF8.self) }
    /// The body parsed as JSON; nil when it is not JSON.
    public var json: JSONValue? { try? JSONParser.parse(body) }

    /// The JSON-RPC messages of an SSE body (`data:` lines), or the JSON body itself.
    public var messages: [JSONValue] {
        if header("content-type")?.hasPrefix("text/event-stream") == true {
            return text.split(separator: "\n").filter { $0.hasPrefix("data: ") }.compactMap {
                try? JSONParser.parse(String($0.dropFirst(6)))
            }
        }
        return json.map { [$0] } ?? []
    }
}

/// A minimal HTTP/1.1 client on NIO for tests: one request per connection, full control over
/// headers and body, and streaming reads for SSE. Used by ``MCPTestClient`` in `.live` mode.
public struct HTTPTestClient: Sendable {
    /// The server's address: always the IPv4 loopback.
    public let host = "127.0.0.1"
    /// The server's port on `127.0.0.1`.
    public let port: Int
    #if TLS
        /// Speaks TLS with this context (a build with the `TLS` trait).
        public var tls: NIOSSLContext?
    #endif

    static let group = MultiThreadedEventLoopGroup.singleton

    #if TLS
        /// A client for the server on `127.0.0.1:port`, over TLS when `tls` is given.
        public init(port: Int, tls: NIOSSLContext? = nil) {
            self.port = port
            self.tls = tls
        }
    #else
        /// A client for the server on `127.0.0.1:port`.
        public init(port: Int) {
            self.port = port
        }
    #endif

    /// Sends one request and reads the whole response (for SSE, until the server ends the stream).
    /// - Throws: ``HTTPTestTimeout`` when the response is not complete within `timeout` (the
    ///   connection is then closed).
    public func send(
        _ method: String = "POST", _ path: String = "/mcp", headers: [(String, String)] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(30)
    ) async throws -> HTTPTestResponse {
        let parts: [HTTPClientResponsePart]
        do {
            parts = try await withTimeout(timeout) { [self] in
                var parts: [HTTPClientResponsePart] = []
                for try await part in try await stream(method, path, headers: headers, body: body) {
                    parts.append(part)
                }
                return parts
            }
        } catch is TimeoutError {
            throw HTTPTestTimeout(method: method, path: path, timeout: timeout)
        }
        var response = HTTPTestResponse(status: 0, headers: [], body: [])
        for part in parts {
            switch part {
            case .head(let head):
                response.status = Int(head.status.code)
                response.headers = head.headers.map { ($0.name, $0.value) }
            case .body(var buffer):
                response.body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                break
            }
        }
        return response
    }

    /// JSON body convenience.
    public func send(
        _ method: String = "POST", _ path: String = "/mcp", headers: [(String, String)] = [], json: String,
        timeout: Duration = .seconds(30)
    ) async throws -> HTTPTestResponse {
        try await send(
            method, path, headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8),
            timeout: timeout)
    }

    /// The response parts as they arrive; the connection closes when the consumer stops.
    public func stream(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) async throws
        -> AsyncThrowingStream<HTTPClientResponsePart, any Error>
    {
        #if TLS
            let tls = tls
        #endif
        let host = host
        let channel = try await ClientBootstrap(group: Self.group)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    #if TLS
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: tls, serverHostname: nil))
                        }
                    #endif
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if !body.isEmpty
            && !headers.contains(where: {
                $0.0.lowercased() == "content-length" || $0.0.lowercased() == "transfer-encoding"
            })
        {
            head.headers.add(name: "Content-Length", value: "\(body.count)")
        }
        // No "Connection: close": the client closes once the answer is complete, so the TIME_WAIT
        // of these many short connections stays on the client's side, where the kernel accounts
        // for it when it picks the next ephemeral port.
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: HTTPClientResponsePart.self)
        let task = Task {
            do {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(.head(head))
                    if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
                    try await outbound.write(.end(nil))
                    for try await part in inbound {
                        continuation.yield(part)
                        if case .end = part { break }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in
            task.cancel()
            channel.channel.close(promise: nil)
        }
        return stream
    }

    /// Sends raw bytes on a fresh connection and returns whatever comes back until the server
    /// closes it or `timeout` passes.
    public func raw(_ bytes: [UInt8], timeout: Duration = .seconds(5)) async throws -> String {
        try await rawExchange(bytes, timeout: timeout).text
    }

    /// Like ``raw(_:timeout:)``, also telling whether the server closed the connection (rather
    /// than the timeout ending the wait).
    public func rawExchange(
        _ bytes: [UInt8], timeout: Duration = .seconds(5)
    ) async throws -> (text: String, closedByServer: Bool) {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: Self.group)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch ChannelError.ioOnClosedChannel {
            // The server closed the connection before this client could even use it.
            return ("", true)
        }
        let received = ReceivedBytes()
        let timedOut = ReceivedBytes()
        let timer = Task {
            try await Task.sleep(for: timeout)
            timedOut.append([1])
            channel.channel.close(promise: nil)
        }
        defer { timer.cancel() }
        try? await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            for try await var buffer in inbound {
                received.append(buffer.readBytes(length: buffer.readableBytes) ?? [])
            }
        }
        return (String(decoding: received.bytes, as: UTF8.self), timedOut.bytes.isEmpty)
    }
}

/// An ``HTTPTestClient`` request got no complete response in time; its connection was closed.
public struct HTTPTestTimeout: Error, Sendable, CustomStringConvertible {
    /// The request's method, such as `POST`.
    public let method: String
    /// The request's path, such as `/mcp`.
    public let path: String
    /// How long the client waited.
    public let timeout: Duration

    /// The request and how long it waited for, such as "POST /mcp: no complete response within 0.2 seconds".
    public var description: String { "\(method) \(path): no complete response within \(timeout)" }
}

/// Bytes gathered from a connection.
final class ReceivedBytes: Sendable {
    private let storage = Mutex<[UInt8]>([])
    func append(_ bytes: [UInt8]) { storage.withLock { $0 += bytes } }
    var bytes: [UInt8] { storage.withLock { $0 } }
}
