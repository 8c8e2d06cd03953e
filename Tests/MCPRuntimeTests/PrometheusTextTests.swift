import Foundation
import Testing

@testable import MCPRuntime

/// Adding several workers' expositions together.
@Suite("Prometheus text")
struct PrometheusTextTests {
    let first = """
        # TYPE http_requests_total counter
        http_requests_total{method="GET",route="/health",status="200"} 5
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{le="0.1"} 4
        http_request_duration_seconds_bucket{le="+Inf"} 5
        http_request_duration_seconds_sum 0.25
        http_request_duration_seconds_count 5
        # TYPE mcp_worker_open_fds gauge
        mcp_worker_open_fds{worker="0"} 20
        """
    let second = """
        # TYPE http_requests_total counter
        http_requests_total{method="GET",route="/health",status="200"} 7
        http_requests_total{method="POST",route="/mcp",status="200"} 1
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{le="0.1"} 8
        http_request_duration_seconds_bucket{le="+Inf"} 8
        http_request_duration_seconds_sum 0.5
        http_request_duration_seconds_count 8
        # TYPE mcp_worker_open_fds gauge
        mcp_worker_open_fds{worker="1"} 30
        """

    @Test func sumsSamplesWithTheSameNameAndLabels() {
        var total = PrometheusText(first)
        total.add(second)
        #expect(total.value(#"http_requests_total{method="GET",route="/health",status="200"}"#) == 12)
        #expect(total.value(#"http_requests_total{method="POST",route="/mcp",status="200"}"#) == 1)
        #expect(total.value(#"http_request_duration_seconds_bucket{le="+Inf"}"#) == 13)
        #expect(total.value("http_request_duration_seconds_sum") == 0.75)
        #expect(total.value(#"mcp_worker_open_fds{worker="0"}"#) == 20)
        #expect(total.value(#"mcp_worker_open_fds{worker="1"}"#) == 30)
        let rendered = total.rendered
        #expect(
            rendered.components(separatedBy: "# TYPE http_requests_total counter").count == 2,
            "one TYPE line per family")
        #expect(
            rendered.contains("# TYPE http_request_duration_seconds histogram\nhttp_request_duration_seconds_bucket"))
    }

    @Test func retiringKeepsCountersAndDropsGauges() throws {
        let directory = NSTemporaryDirectory() + "metrics-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try first.write(toFile: directory + "/worker-0-100.prom", atomically: true, encoding: .utf8)
        try second.write(toFile: directory + "/worker-1-200.prom", atomically: true, encoding: .utf8)
        let store = MetricsStore(directory: directory, worker: 9)
        let before = PrometheusText(String(decoding: store.renderAll(), as: UTF8.self))
        MetricsStore.retire(workerFile: "worker-0-100.prom", in: directory)
        let after = PrometheusText(String(decoding: store.renderAll(), as: UTF8.self))
        let key = #"http_requests_total{method="GET",route="/health",status="200"}"#
        #expect(before.value(key) == 12)
        #expect(after.value(key) == 12, "a retired worker's counters stay in the total")
        #expect(after.value(#"mcp_worker_open_fds{worker="0"}"#) == nil, "its gauges go")
        #expect(!FileManager.default.fileExists(atPath: directory + "/worker-0-100.prom"))
    }

    /// Floating-point sums depend on their order ((0.1 + 0.2) + 0.3 is 0.6000000000000001, the
    /// other way round 0.6): a scrape on another worker, which adds the same files in another
    /// order, must not report a total one unit lower.
    @Test func sumsAreExactWhateverTheOrder() {
        let files = ["0.1", "0.2", "0.3"].map { "# TYPE demo_seconds_total counter\ndemo_seconds_total \($0)\n" }
        var forward = PrometheusText()
        for file in files { forward.add(file) }
        var backward = PrometheusText()
        for file in files.reversed() { backward.add(file) }
        #expect(forward.rendered == backward.rendered)
        #expect(forward.rendered.contains("demo_seconds_total 0.6\n"))
    }
}
