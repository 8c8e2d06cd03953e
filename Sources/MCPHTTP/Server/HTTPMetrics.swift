import MCPCore
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

    struct RouteKey: Hashable, Sendable {
        var method: String
        var route: String
    }

    struct ResponseKey: Hashable, Sendable {
        var route: RouteKey
        var status: Int
    }

    struct MCPKey: Hashable, Sendable {
        var method: String
        var era: String
    }

    static let requests = MetricCache<ResponseKey, Counter> { key in
        Counter(
            label: "http_requests_total",
            dimensions: [("method", key.route.method), ("route", key.route.route), ("status", String(key.status))])
    }
    static let durations = MetricCache<RouteKey, Timer> { key in
        Timer(label: "http_request_duration_seconds", dimensions: [("method", key.method), ("route", key.route)])
    }
    static let mcpRequests = MetricCache<MCPKey, Counter> { key in
        Counter(label: "mcp_requests_total", dimensions: [("method", key.method), ("era", key.era)])
    }
    static let rateLimited = MetricCache<Bool, Counter> { _ in Counter(label: "mcp_rate_limited_total") }
    static let streams = MetricCache<Bool, Gauge> { _ in Gauge(label: "mcp_sse_streams_active") }

    static func record(method: String, route: String, status: Int, nanoseconds: Int64, values: RequestRecord.Values) {
        let key = RouteKey(method: knownHTTPMethods.contains(method) ? method : "other", route: route)
        requests[ResponseKey(route: key, status: status)].increment()
        if !values.isSubscription { durations[key].recordNanoseconds(nanoseconds) }
        if let mcpMethod = values.mcpMethod {
            let name = knownMCPMethods.contains(mcpMethod) ? mcpMethod : "other"
            mcpRequests[MCPKey(method: name, era: values.era?.rawValue ?? "unknown")].increment()
        }
        if values.rateLimited { rateLimited[true].increment() }
    }

    /// Series a dashboard or alert reads before anything happened: present from the start at 0,
    /// so a panel says 0 rather than "no data" and `rate()` sees the first increment.
    static func registerSeriesThatStartAtZero() {
        rateLimited[true].increment(by: 0)
        streams[true].record(0)
    }

    /// SSE streams open in this process.
    static let openStreams = Atomic<Int>(0)

    static func streamOpened() {
        let now = openStreams.wrappingAdd(1, ordering: .relaxed).newValue
        streams[true].record(now)
    }

    static func streamClosed() {
        let now = openStreams.wrappingSubtract(1, ordering: .relaxed).newValue
        streams[true].record(now)
    }
}
