import Metrics
import Synchronization

/// What the HTTP side reports through swift-metrics (the runtime picks the backend: Prometheus).
/// Label values are bounded: route templates, known MCP methods, status codes.
enum HTTPMetrics {
    static let knownMCPMethods: Set<String> = [
        "initialize", "ping", "server/discover", "tools/list", "tools/call", "resources/list",
        "resources/templates/list",
        "resources/read", "prompts/list", "prompts/get", "completion/complete", "logging/setLevel",
        "subscriptions/listen",
        "notifications/initialized", "notifications/cancelled", "notifications/roots/list_changed", "batch",
    ]
    static let knownHTTPMethods: Set<String> = ["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"]

    static func record(method: String, route: String, status: Int, seconds: Double, values: RequestRecord.Values) {
        let httpMethod = knownHTTPMethods.contains(method) ? method : "other"
        Counter(
            label: "http_requests_total",
            dimensions: [("method", httpMethod), ("route", route), ("status", String(status))]
        )
        .increment()
        Timer(label: "http_request_duration_seconds", dimensions: [("method", httpMethod), ("route", route)])
            .recordNanoseconds(Int64(seconds * 1_000_000_000))
        if let mcpMethod = values.mcpMethod {
            let name = knownMCPMethods.contains(mcpMethod) ? mcpMethod : "other"
            Counter(label: "mcp_requests_total", dimensions: [("method", name), ("era", values.era ?? "unknown")])
                .increment()
        }
        if values.rateLimited { Counter(label: "mcp_rate_limited_total").increment() }
    }

    /// Series a dashboard or alert reads before anything happened: present from the start at 0,
    /// so a panel says 0 rather than "no data" and `rate()` sees the first increment.
    static func registerSeriesThatStartAtZero() {
        Counter(label: "mcp_rate_limited_total").increment(by: 0)
        Gauge(label: "mcp_sse_streams_active").record(0)
    }

    /// SSE streams open in this process.
    static let openStreams = Atomic<Int>(0)

    static func streamOpened() {
        let now = openStreams.wrappingAdd(1, ordering: .relaxed).newValue
        Gauge(label: "mcp_sse_streams_active").record(now)
    }

    static func streamClosed() {
        let now = openStreams.wrappingSubtract(1, ordering: .relaxed).newValue
        Gauge(label: "mcp_sse_streams_active").record(now)
    }
}
