import Foundation
import MCPPlatform
import Metrics
package import Prometheus
import Synchronization

/// Prometheus metrics of this process, and of its siblings when several workers serve one port.
///
/// Each process records into its own swift-prometheus registry. A worker writes its exposition
/// to `<directory>/worker-<id>-<pid>.prom` twice a second (and when it exits); a scrape, on
/// whichever worker the kernel picked, first publishes this worker's exposition to its file and
/// then answers with exactly what the files say: every worker's file plus `retired.prom`, into
/// which the supervisor folds the counters of workers that are gone.
///
/// Why counters never go backwards, whatever the timing: each worker's file only ever grows
/// (writes are serialized in the process and replace the file atomically), a scrape never uses
/// a value its worker has not published (so a later scrape elsewhere reads at least as much),
/// and a worker's file is folded into `retired.prom` before it is removed, with its name noted
/// there, so a scrape that meets the exit counts it exactly once.
package final class MetricsStore: Sendable {
    /// The Prometheus registry this process's metrics are recorded in.
    package let registry: PrometheusCollectorRegistry
    /// swift-metrics' backend: the registry, with lock-free timers beside it.
    let factory: RuntimeMetricsFactory
    /// Shared folder of the worker files; nil for a single process.
    package let directory: String?
    /// This process's file name in `directory`.
    let ownFile: String?
    let workerLabel: String
    /// CPU seconds already added to `mcp_worker_cpu_seconds_total`.
    private let cpuCounted = Mutex<Double>(0)
    /// Serializes render-and-publish: two writers could otherwise rename an older exposition
    /// over a newer one.
    private let publishing = Mutex<Void>(())

    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10),
    ]

    /// - Parameters:
    ///   - directory: the folder shared by the workers, or nil when this process serves alone.
    ///   - worker: this worker's number (labels its process gauges).
    package init(directory: String?, worker: Int?) {
        registry = PrometheusCollectorRegistry()
        var prometheus = PrometheusMetricsFactory(registry: registry)
        prometheus.defaultDurationHistogramBuckets = Self.durationBuckets
        factory = RuntimeMetricsFactory(prometheus: prometheus)
        self.directory = directory
        self.workerLabel = worker.map(String.init) ?? "0"
        self.ownFile = worker.map { "worker-\($0)-\(Processes.currentID).prom" }
    }

    /// Makes this store the backend of swift-metrics (call once, at start-up).
    package func bootstrap() {
        MetricsSystem.bootstrap(factory)
        let start = Date().timeIntervalSince1970
        Gauge(label: "mcp_worker_start_time_seconds", dimensions: [("worker", workerLabel)]).record(start)
        droppedLogLines.increment(by: 0)
    }

    /// Log lines dropped because stdout or stderr did not keep up (``LogSink``), already counted.
    private let droppedCounted = Mutex<Int>(0)
    private var droppedLogLines: Metrics.Counter { Metrics.Counter(label: "mcp_log_lines_dropped_total") }

    /// Gauges read from the server each time metrics are rendered, instead of being kept up to
    /// date on the request path.
    private let observed = Mutex<[(gauge: Prometheus.Gauge, read: @Sendable () -> Int)]>([])

    /// Reports `read()` as the gauge `name` at every scrape and snapshot.
    package func observe(gauge name: String, _ read: @escaping @Sendable () -> Int) {
        let gauge = registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: ""))
        gauge.set(Int64(read()))
        observed.withLock { $0.append((gauge, read)) }
    }

    /// Refreshes this process's resource gauges (memory, CPU, descriptors) and the observed ones.
    package func refreshProcessGauges() {
        for (gauge, read) in observed.withLock({ $0 }) { gauge.set(Int64(read())) }
        let usage = ProcessUsage.current()
        Gauge(label: "mcp_worker_resident_memory_bytes", dimensions: [("worker", workerLabel)]).record(
            Double(usage.residentBytes))
        // A counter: the supervisor folds a retired worker's total into its slot, so the series
        // keeps rising across recycles and rate() needs no reset handling.
        let added = cpuCounted.withLock { counted -> Double in
            let delta = usage.cpuSeconds - counted
            if delta > 0 { counted = usage.cpuSeconds }
            return delta
        }
        if added > 0 {
            FloatingPointCounter(label: "mcp_worker_cpu_seconds_total", dimensions: [("worker", workerLabel)])
                .increment(by: added)
        }
        Gauge(label: "mcp_worker_open_fds", dimensions: [("worker", workerLabel)]).record(Double(usage.openDescriptors))
        let dropped = LogSink.droppedLines
        let newlyDropped = droppedCounted.withLock { counted -> Int in
            defer { counted = max(counted, dropped) }
            return dropped - counted
        }
        if newlyDropped > 0 { droppedLogLines.increment(by: Int64(newlyDropped)) }
    }

    /// This process's exposition.
    package func renderOwn() -> String {
        refreshProcessGauges()
        return registry.emitToString() + factory.timers.render()
    }

    /// Writes this process's exposition to its file (atomically, temp + rename) and returns it.
    @discardableResult
    package func writeSnapshot() -> String {
        publishing.withLock { _ in
            let text = renderOwn()
            if let directory, let ownFile { PrivateFile.write(text, to: directory + "/" + ownFile) }
            return text
        }
    }

    /// What `/metrics` answers. One process: its live metrics. A worker: its own exposition,
    /// published first, plus every sibling's latest snapshot plus the counters of retired workers.
    package func renderAll() -> [UInt8] {
        guard let directory else { return Array(renderOwn().utf8) }
        var total = PrometheusText(writeSnapshot())
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return Array(total.rendered.utf8)
        }
        // Worker files first, the retired counters last: a worker folded in between is then
        // found in the retired file's list and counted once, never zero times or twice.
        var workers: [(file: String, text: String)] = []
        for file in files.sorted() where file.hasSuffix(".prom") && file != ownFile && file != Self.retiredFile {
            if let text = PrivateFile.readText(directory + "/" + file) { workers.append((file, text)) }
        }
        let retired = PrivateFile.readText(directory + "/" + Self.retiredFile) ?? ""
        let folded = Set(Self.foldedFiles(in: retired))
        for (file, text) in workers where !folded.contains(file) { total.add(text) }
        total.add(retired)
        return Array(total.rendered.utf8)
    }

    static let retiredFile = "retired.prom"

    /// The worker files a retired exposition already contains (`# folded <file>` lines), oldest first.
    static func foldedFiles(in retired: String) -> [String] {
        retired.split(separator: "\n").filter { $0.hasPrefix("# folded ") }.map { String($0.dropFirst(9)) }
    }

    static func writeAtomically(_ text: String, to path: String) {
        PrivateFile.write(text, to: path)
    }

    /// Folds a gone worker's counters and histograms into `retired.prom` (noting the file as
    /// folded) and removes its file and any temporary file it left. Gauges are dropped: they
    /// described a process that is gone.
    static func retire(workerFile file: String, in directory: String) {
        let retiredPath = directory + "/" + retiredFile
        let previous = PrivateFile.readText(retiredPath) ?? ""
        var retired = PrometheusText(previous)
        if let text = PrivateFile.readText(directory + "/" + file) {
            retired.add(text, skippingTypes: ["gauge"])
        }
        let folded = (foldedFiles(in: previous).suffix(1000) + [file]).map { "# folded \($0)\n" }.joined()
        writeAtomically(folded + retired.rendered, to: retiredPath)
        FileSystem.remove(directory + "/" + file)
        // A worker killed while writing leaves its temporary file behind.
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for leftover in leftovers where leftover.hasPrefix(file + ".tmp-") {
            FileSystem.remove(directory + "/" + leftover)
        }
    }
}
