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

    /// What one answered request is counted under: its bounded label values.
    struct RequestKey: Hashable, Sendable {
        var method: String
        var route: String
        var status: Int
        /// The MCP method (a known one, `other` or `batch`), nil for requests that carried none.
        var mcpMethod: String?
        var era: String
    }

    /// The handles one ``RequestKey`` records into, resolved together: one look-up a request
    /// instead of one per metric (five hashes of the same strings before).
    struct RequestHandles: Sendable {
        let requests: Counter
        let durations: Timer
        let mcpRequests: Counter?
    }

    static let handles = MetricCache<RequestKey, RequestHandles> { key in
        RequestHandles(
            requests: Counter(
                label: "http_requests_total",
                dimensions: [("method", key.method), ("route", key.route), ("status", String(key.status))]),
            durations: Timer(
                label: "http_request_duration_seconds", dimensions: [("method", key.method), ("route", key.route)]),
            mcpRequests: key.mcpMethod.map { method in
                Counter(label: "mcp_requests_total", dimensions: [("method", method), ("era", key.era)])
            })
    }
    static let rateLimited = MetricCache<Bool, Counter> { _ in Counter(label: "mcp_rate_limited_total") }

    static func record(method: String, route: String, status: Int, nanoseconds: Int64, values: RequestRecord.Values) {
        let key = RequestKey(
            method: knownHTTPMethods.contains(method) ? method : "other", route: route, status: status,
            mcpMethod: values.mcpMethod.map { knownMCPMethods.contains($0) ? $0 : "other" },
            era: values.era?.rawValue ?? "unknown")
        let handles = handles[key]
        handles.requests.increment()
        if !values.isSubscription { handles.durations.recordNanoseconds(nanoseconds) }
        handles.mcpRequests?.increment()
        if values.rateLimited { rateLimited[true].increment() }
    }

    /// Series a dashboard or alert reads before anything happened: present from the start at 0,
    /// so a panel says 0 rather than "no data" and `rate()` sees the first increment.
    static func registerSeriesThatStartAtZero() {
        rateLimited[true].increment(by: 0)
    }

    /// SSE streams open in this process: the `mcp_sse_streams_active` gauge reads it when the
    /// metrics are published. (Recording the count as each stream opened or closed let two
    /// threads record in the other order than they counted, leaving the gauge at 1 with no
    /// stream open.)
    static let openStreams = Atomic<Int>(0)

    static func streamOpened() { openStreams.wrappingAdd(1, ordering: .relaxed) }

    static func streamClosed() { openStreams.wrappingSubtract(1, ordering: .relaxed) }
}
