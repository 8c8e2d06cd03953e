import Foundation
import MCPPlatform
import Prometheus
import Synchronization
import Testing

@testable import MCPRuntime

/// What a scrape answers is what the files say: a value a scrape served is published first, so a
/// later scrape elsewhere never reads less (counters never decrease across workers).
@Suite("Metrics published before they are served")
struct MetricsPublishingTests {
    @Test func aScrapePublishesExactlyWhatItServes() throws {
        let folder = NSTemporaryDirectory() + "metrics-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = MetricsStore(directory: folder, worker: 3)
        let counter = store.registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "demo", unitName: "total", helpText: ""))
        counter.increment(by: Int64(5))
        let served = String(decoding: store.renderAll(), as: UTF8.self)
        #expect(served.contains("demo_total 5"))
        counter.increment(by: Int64(2))
        // A sibling's scrape now reads this worker's file: it holds at least what was served.
        let published = PrivateFile.readText(folder + "/worker-3-\(getpid()).prom") ?? ""
        #expect(published.contains("demo_total 5"))
        let sibling = MetricsStore(directory: folder, worker: 4)
        let seen = String(decoding: sibling.renderAll(), as: UTF8.self)
        #expect(seen.contains("demo_total 5"))
        // Retired: folded once, the worker file gone, no temporary files left.
        MetricsStore.retire(workerFile: "worker-3-\(getpid()).prom", in: folder)
        let after = String(decoding: sibling.renderAll(), as: UTF8.self)
        #expect(after.contains("demo_total 5"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!files.contains { $0.contains(".tmp-") })
    }

    @Test func observedGaugesAreReadAtEachRender() {
        let store = MetricsStore(directory: nil, worker: nil)
        let running = Mutex(2)
        store.observe(gauge: "demo_running") { running.withLock { $0 } }
        #expect(String(decoding: store.renderAll(), as: UTF8.self).contains("demo_running 2"))
        running.withLock { $0 = 0 }
        #expect(String(decoding: store.renderAll(), as: UTF8.self).contains("demo_running 0"))
    }
}
