import Foundation
import Metrics
import Prometheus
import Synchronization
import Testing

@testable import MCPCore
@testable import MCPRuntime

/// The lock-free timers write the exposition swift-prometheus writes for the same values, and
/// cached metric handles are the same handles on every thread.
@Suite("Request metrics")
struct AtomicHistogramTests {
    @Test func exposition() {
        let buckets = MetricsStore.durationBuckets
        let reference = PrometheusCollectorRegistry()
        let theirs = reference.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                metricName: "http_request_duration", unitName: "seconds", helpText: ""),
            labels: [("method", "POST"), ("route", "/mcp")], buckets: buckets)
        let families = TimerFamilies()
        let ours = families.timer(
            name: "http_request_duration_seconds", labels: [("method", "POST"), ("route", "/mcp")], buckets: buckets)
        let values: [Int64] = [1, 499_999, 500_000, 500_001, 3_000_000, 9_999_999_999, 20_000_000_000, 730_000]
        for value in values {
            theirs.recordNanoseconds(value)
            ours.recordNanoseconds(value)
        }
        let expected = reference.emitToString()
        #expect(families.render() == expected)
        #expect(
            families.timer(
                name: "http_request_duration_seconds", labels: [("method", "POST"), ("route", "/mcp")],
                buckets: buckets) === ours, "one series per name and labels")
    }

    @Test func concurrentRecordsAreAllCounted() async {
        let families = TimerFamilies()
        let timer = families.timer(name: "t", labels: [], buckets: MetricsStore.durationBuckets)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for value in 0..<10_000 { timer.recordNanoseconds(Int64(value * 1000)) } }
            }
        }
        #expect(families.render().contains("t_count 80000\n"))
    }

    final class Made: Sendable {}

    @Test func cachedHandlesAreSharedAcrossThreads() async {
        let makes = MetricCounterBox()
        let cache = MetricCache<String, Made> { _ in
            makes.increment()
            return Made()
        }
        let first = cache["a"]
        let seen = await withTaskGroup(of: [ObjectIdentifier].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<1000).map { _ in ObjectIdentifier(cache["a"]) } }
            }
            return await group.reduce(into: Set<ObjectIdentifier>()) { $0.formUnion($1) }
        }
        #expect(seen == [ObjectIdentifier(first)])
        #expect(makes.value == 1)
    }
}

final class MetricCounterBox: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
