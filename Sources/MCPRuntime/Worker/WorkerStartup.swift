import Logging
import MCPCore
import MCPHTTP
import MCPPlatform

/// What a worker does between binding and serving: it warms the hot path up, so the first real
/// request is not the one that pays for cold caches (the original's `--preload`), then tells
/// its supervisor it is ready once it has handed back the code pages start-up used.
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
        // Start-up (argument parsing, settings, the catalogue) is over: its code pages go back
        // before the supervisor hears `ready`, because `ready` is what lets a replaced worker
        // leave — released after it, a recycle held the old worker and this one's start-up code
        // at once (the tree's peak). The request path's pages come back on first use, shared
        // with the worker still serving.
        StartupCode.release()
        WorkerChannel.send(.ready)
    }
}
