import Foundation

/// Prometheus text exposition, parsed just enough to add several processes' metrics together.
///
/// Samples with the same name and labels are summed: counters and histogram buckets, sums and
/// counts add up across workers; gauges of one worker carry a `worker` label, so they stay apart.
///
/// Sums are exact (decimal arithmetic on the values as written): with floating-point addition
/// the same files summed in another order could give a total one unit in the last place lower
/// than the scrape before, which Prometheus reads as a counter reset.
struct PrometheusText {
    /// `# TYPE` by metric family, in first-seen order.
    private(set) var types: [(family: String, type: String)] = []
    private var typeIndex: [String: Int] = [:]
    /// Sample values by `name{labels}`, in first-seen order.
    private(set) var samples: [(key: String, value: Decimal)] = []
    private var sampleIndex: [String: Int] = [:]

    init() {}

    init(_ text: String) {
        add(text)
    }

    /// Adds every sample of `text` (and its families' types).
    mutating func add(_ text: String, skippingTypes skipped: Set<String> = []) {
        var localTypes: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count >= 4 else { continue }
                localTypes[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Self.value(line[line.index(after: space)...]) else {
                continue
            }
            let key = String(line[..<space])
            let name = String(key.prefix { $0 != "{" })
            let family = Self.family(of: name, in: localTypes)
            let type = localTypes[family] ?? "untyped"
            if skipped.contains(type) { continue }
            if typeIndex[family] == nil {
                typeIndex[family] = types.count
                types.append((family, type))
            }
            if let index = sampleIndex[key] {
                samples[index].value += value
            } else {
                sampleIndex[key] = samples.count
                samples.append((key, value))
            }
        }
    }

    /// Adds another parsed exposition.
    mutating func add(_ other: PrometheusText, skippingTypes skipped: Set<String> = []) {
        add(other.rendered, skippingTypes: skipped)
    }

    /// The text exposition, grouped by family.
    var rendered: String {
        var byFamily: [String: [String]] = [:]
        var knownTypes: [String: String] = [:]
        for (family, type) in types { knownTypes[family] = type }
        for (key, value) in samples {
            let family = Self.family(of: String(key.prefix { $0 != "{" }), in: knownTypes)
            byFamily[family, default: []].append("\(key) \(Self.format(value))")
        }
        var text = ""
        for (family, type) in types {
            guard let lines = byFamily[family] else { continue }
            text += "# TYPE \(family) \(type)\n"
            for line in lines { text += line + "\n" }
        }
        return text
    }

    /// A sample's value, for tests.
    func value(_ key: String) -> Double? {
        sampleIndex[key].map { NSDecimalNumber(decimal: samples[$0].value).doubleValue }
    }

    /// The exact value of a sample as written; infinities and NaN (which no counter holds) as NaN.
    static func value(_ text: Substring) -> Decimal? {
        guard let double = Double(text) else { return nil }
        guard double.isFinite else { return .nan }
        return Decimal(string: String(text), locale: posix) ?? Decimal(double)
    }

    static let posix = Locale(identifier: "en_US_POSIX")

    /// The family a sample belongs to: histogram `_bucket`, `_sum` and `_count` samples belong to
    /// the histogram's name.
    static func family(of name: String, in types: [String: String]) -> String {
        if types[name] != nil { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] != nil { return base }
        }
        return name
    }

    static func format(_ value: Decimal) -> String {
        value.isNaN ? "NaN" : value.description
    }
}
