import Hummingbird
import Synchronization

// `HBCeiling [PORT]`: POST /mcp reads the body and answers a fixed JSON-RPC result (36 bytes);
// POST /mcp/sized/N answers a result padded to exactly N bytes (64 to 1 MiB), so an answer as
// large as a catalogue listing can be compared with the same stack sending as many bytes;
// GET /health answers {"status":"ok"}. One process, Hummingbird's defaults (one event loop per
// core).
let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 8301
let answer = ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"result":{}}"#)
let healthy = ByteBuffer(string: #"{"status":"ok"}"#)
let sizes = 64...(1 << 20)

/// `{"jsonrpc":"2.0","id":1,"result":{"pad":"xx…"}}`, exactly `size` bytes.
func padded(to size: Int) -> ByteBuffer {
    let head = #"{"jsonrpc":"2.0","id":1,"result":{"pad":""#
    let tail = #""}}"#
    var buffer = ByteBuffer()
    buffer.reserveCapacity(size)
    buffer.writeString(head)
    buffer.writeRepeatingByte(UInt8(ascii: "x"), count: size - head.utf8.count - tail.utf8.count)
    buffer.writeString(tail)
    return buffer
}

let router = Router()
router.post("/mcp") { request, _ -> Response in
    _ = try await request.body.collect(upTo: 1 << 20)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: answer))
}
/// The padded answers by size: built on first use, at most 8 sizes kept (others built per request).
final class SizedAnswers: Sendable {
    private let built = Mutex<[Int: ByteBuffer]>([:])

    subscript(size: Int) -> ByteBuffer {
        if let known = built.withLock({ $0[size] }) { return known }
        let buffer = padded(to: size)
        built.withLock { if $0.count < 8 { $0[size] = buffer } }
        return buffer
    }
}

let sizedAnswers = SizedAnswers()
router.post("/mcp/sized/:bytes") { request, context -> Response in
    _ = try await request.body.collect(upTo: 1 << 20)
    guard let size = context.parameters.get("bytes", as: Int.self), sizes.contains(size) else {
        return Response(status: .badRequest)
    }
    return Response(
        status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: sizedAnswers[size]))
}
router.get("/health") { _, _ -> Response in
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: healthy))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
