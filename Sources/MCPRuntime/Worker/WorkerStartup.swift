import Logging
import MCPCore
import MCPHTTP
import MCPPlatform

/// What a worker does between binding and serving: it warms the hot path up, so the first real
/// request is not the one that pays for cold caches (the original's `--preload`), then tells
/// its supervisor it is ready and hands back the code pages start-up used.
enum WorkerStartup {
    static func warmUpAndReport(_ http: MCPHTTPService, logger: Logger) async {
        let envelope: JSONValue = [Envelope.protocolVersionKey: "2026-07-28", Envelope.clientCapabilitiesKey: [:]]
        let origin = MessageOrigin(sessionless: .servedStatelessly)
        for message: JSONValue in [
            ["jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": ["_meta": envelope]],
            ["jsonrpc": "2.0", "id": 2, "method": "server/discover", "params": ["_meta": envelope]],
        ] {
            // Through the same steps a request takes: encode, parse, route, serve.
            let bytes = JSONWriter.bytes(message)
            let routed = bytes.withUnsafeBytes { http.router.route(parsing: $0, from: origin, logger: logger) }
            if case .serve(let exchange) = routed.decision {
                _ = await http.router.serve(exchange, sink: nil, logger: logger)
            }
        }
        WorkerChannel.send(.ready)
        // Start-up (argument parsing, settings, the catalogue) is over; the pages of code the
        // request path uses come back on first use.
        StartupCode.release()
    }
}
