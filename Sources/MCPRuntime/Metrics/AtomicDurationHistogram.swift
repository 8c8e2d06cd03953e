import Metrics
import Prometheus
import Synchronization

/// A Prometheus duration histogram that records without a lock: one relaxed atomic increment of
/// the bucket the value falls in, one of the sum. Buckets are cumulated when the exposition is
/// written, not when a value is recorded.
///
/// swift-prometheus's `Histogram` takes a lock per value and updates every bucket under it;
/// with request durations recorded by every request on every thread, that lock is shared by
/// the whole process. The exposition written here is the one swift-prometheus writes.
final class AtomicDurationHistogram: TimerHandler, Sendable {
    let name: String
    /// `key="value",…` (escaped), or empty.
    let labels: String
    /// Upper bounds in nanoseconds, ascending.
    let bounds: [Int64]
    let boundTexts: [String]
    /// One counter per bound, and one past the last (only in `+Inf`).
    let counts: [Cell]
    let sumNanoseconds = Atomic<Int64>(0)

    /// One atomic counter (an `Atomic` cannot be copied into an array).
    final class Cell: Sendable {
        let value = Atomic<Int>(0)
    }

    init(name: String, labels: [(String, String)], buckets: [Duration]) {
        self.name = name
        self.labels = labels.map { $0.0 + "=\"" + Self.escapeLabelValue($0.1) + "\"" }.joined(separator: ",")
        let sorted = buckets.sorted()
        bounds = sorted.map(\.inNanoseconds)
        boundTexts = sorted.map(\.bucketRepresentation)
        counts = (0...sorted.count).map { _ in Cell() }
    }

    func recordNanoseconds(_ duration: Int64) {
        var index = 0
        while index < bounds.count && duration > bounds[index] { index += 1 }
        counts[index].value.wrappingAdd(1, ordering: .relaxed)
        sumNanoseconds.wrappingAdd(duration, ordering: .relaxed)
    }

    /// The `_bucket`, `_sum` and `_count` lines.
    func emit(into text: inout String) {
        let separator = labels.isEmpty ? "" : ","
        var cumulative = 0
        for (index, bound) in boundTexts.enumerated() {
            cumulative += counts[index].value.load(ordering: .relaxed)
            text += "\(name)_bucket{\(labels)\(separator)le=\"\(bound)\"} \(cumulative)\n"
        }
        cumulative += counts[boundTexts.count].value.load(ordering: .relaxed)
        text += "\(name)_bucket{\(labels)\(separator)le=\"+Inf\"} \(cumulative)\n"
        let braces = labels.isEmpty ? "" : "{\(labels)}"
        let sum = Duration.nanoseconds(sumNanoseconds.load(ordering: .relaxed)).bucketRepresentation
        text += "\(name)_sum\(braces) \(sum)\n"
        text += "\(name)_count\(braces) \(cumulative)\n"
    }

    static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}

/// swift-metrics' factory for this process: swift-prometheus for counters, gauges and
/// recorders, ``AtomicDurationHistogram`` for timers (the ones recorded per request).
struct RuntimeMetricsFactory: MetricsFactory {
    let prometheus: PrometheusMetricsFactory
    let timers = TimerFamilies()

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        prometheus.makeCounter(label: label, dimensions: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        prometheus.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        prometheus.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        prometheus.makeMeter(label: label, dimensions: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        timers.timer(
            name: label, labels: dimensions,
            buckets: prometheus.durationHistogramBuckets[label] ?? prometheus.defaultDurationHistogramBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) { prometheus.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        prometheus.destroyFloatingPointCounter(handler)
    }
    func destroyRecorder(_ handler: any RecorderHandler) { prometheus.destroyRecorder(handler) }
    func destroyMeter(_ handler: any MeterHandler) { prometheus.destroyMeter(handler) }
    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? AtomicDurationHistogram { timers.remove(histogram) }
    }
}

/// The timers made so far, by name and labels; one handle per series, as swift-prometheus does.
/// The lock guards making and listing series, never recording.
final class TimerFamilies: Sendable {
    private let families = Mutex<[String: [AtomicDurationHistogram]]>([:])

    func timer(name: String, labels: [(String, String)], buckets: [Duration]) -> AtomicDurationHistogram {
        let made = AtomicDurationHistogram(name: name, labels: labels, buckets: buckets)
        return families.withLock { families in
            if let existing = families[name, default: []].first(where: { $0.labels == made.labels }) {
                return existing
            }
            families[name, default: []].append(made)
            return made
        }
    }

    func remove(_ histogram: AtomicDurationHistogram) {
        families.withLock { $0[histogram.name]?.removeAll { $0 === histogram } }
    }

    /// Every family's `# TYPE` line and series, families by name.
    func render() -> String {
        let snapshot = families.withLock { $0 }
        var text = ""
        for name in snapshot.keys.sorted() {
            guard let series = snapshot[name], !series.isEmpty else { continue }
            text += "# TYPE \(name) histogram\n"
            for histogram in series { histogram.emit(into: &text) }
        }
        return text
    }
}
