import Hummingbird

// `HBCeiling [PORT]`: POST /mcp reads the body and answers a fixed JSON-RPC result; GET /health
// answers {"status":"ok"}. One process, Hummingbird's defaults (one event loop per core).
let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 8301
let answer = ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"result":{}}"#)
let healthy = ByteBuffer(string: #"{"status":"ok"}"#)
let router = Router()
router.post("/mcp") { request, _ -> Response in
    _ = try await request.body.collect(upTo: 1 << 20)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: answer))
}
router.get("/health") { _, _ -> Response in
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: healthy))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
