import MCPCore
import Metrics
import Synchronization

/// What the HTTP side reports through swift-metrics (the runtime picks the backend: Prometheus).
/// Label values are bounded: route templates, known MCP methods, status codes.
enum HTTPMetrics {
    /// The HTTP method labels: the usual methods by name, then `other` for any other.
    static let httpMethods = ["POST", "GET", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "other"]

    /// The MCP method labels: the methods this server knows (the frequent ones first, since a
    /// request's method is compared with them in order), `batch` for a JSON-RPC batch, then
    /// `other` for any other.
    static let mcpMethods = [
        "tools/call", "tools/list", "resources/read", "prompts/get", "ping", "initialize", "server/discover",
        "resources/list", "resources/templates/list", "prompts/list", "completion/complete", "logging/setLevel",
        "subscriptions/listen", "notifications/initialized", "notifications/cancelled",
        "notifications/roots/list_changed", "batch", "other",
    ]

    /// The position of `text` in `labels`; the last one (`other`) for a text not in the list.
    static func label(_ text: String, in labels: [String]) -> Int {
        labels.firstIndex(of: text) ?? labels.count - 1
    }

    /// What one answered request is counted under: its bounded label values. The methods are
    /// kept as positions in their lists and the hash leaves the era out, so a look-up hashes one
    /// string (the route) instead of four: a raw-valued enum such as ``RequestEra`` hashes its text.
    struct RequestKey: Hashable, Sendable {
        /// The position of the HTTP method in ``HTTPMetrics/httpMethods``.
        var method: Int
        var route: String
        var status: Int
        /// The position of the MCP method in ``HTTPMetrics/mcpMethods``; nil for requests that carried none.
        var mcpMethod: Int?
        var era: RequestEra?

        func hash(into hasher: inout Hasher) {
            hasher.combine(method)
            hasher.combine(route)
            hasher.combine(status)
            hasher.combine(mcpMethod)
        }
    }

    /// The handles one ``RequestKey`` records into, resolved together: one look-up a request
    /// instead of one per metric (five hashes of the same strings before).
    struct RequestHandles: Sendable {
        let requests: Counter
        let durations: Timer
        let mcpRequests: Counter?
    }

    static let handles = MetricCache<RequestKey, RequestHandles> { key in
        let method = httpMethods[key.method]
        return RequestHandles(
            requests: Counter(
                label: "http_requests_total",
                dimensions: [("method", method), ("route", key.route), ("status", String(key.status))]),
            durations: Timer(
                label: "http_request_duration_seconds", dimensions: [("method", method), ("route", key.route)]),
            mcpRequests: key.mcpMethod.map { mcpMethod in
                Counter(
                    label: "mcp_requests_total",
                    dimensions: [("method", mcpMethods[mcpMethod]), ("era", key.era?.rawValue ?? "unknown")])
            })
    }
    static let rateLimited = MetricCache<Bool, Counter> { _ in Counter(label: "mcp_rate_limited_total") }
    /// Keep-alive connections closed after an answer because this worker held far more than a
    /// sibling (``BalanceSeatHolder/shouldHandBack(now:)``): the client's next one goes there.
    static let handedBack = MetricCache<Bool, Counter> { _ in Counter(label: "mcp_connections_handed_back_total") }

    static func record(method: String, route: String, status: Int, nanoseconds: Int64, values: RequestRecord.Values) {
        let key = RequestKey(
            method: label(method, in: httpMethods), route: route, status: status,
            mcpMethod: values.mcpMethod.map { label($0, in: mcpMethods) },
            era: values.era)
        let handles = handles[key]
        handles.requests.increment()
        if !values.isSubscription { handles.durations.recordNanoseconds(nanoseconds) }
        handles.mcpRequests?.increment()
        if values.rateLimited { rateLimited[true].increment() }
    }

    /// One keep-alive connection handed back to a sibling (``handedBack``).
    static func connectionHandedBack() { handedBack[true].increment() }

    /// Series a dashboard or alert reads before anything happened: present from the start at 0,
    /// so a panel says 0 rather than "no data" and `rate()` sees the first increment.
    static func registerSeriesThatStartAtZero() {
        rateLimited[true].increment(by: 0)
        handedBack[true].increment(by: 0)
    }

    /// SSE streams open in this process: the `mcp_sse_streams_active` gauge reads it when the
    /// metrics are published. (Recording the count as each stream opened or closed let two
    /// threads record in the other order than they counted, leaving the gauge at 1 with no
    /// stream open.)
    static let openStreams = Atomic<Int>(0)

    static func streamOpened() { openStreams.wrappingAdd(1, ordering: .relaxed) }

    static func streamClosed() { openStreams.wrappingSubtract(1, ordering: .relaxed) }
}
