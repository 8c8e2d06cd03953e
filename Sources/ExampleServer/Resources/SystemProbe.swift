import Foundation
import MCPCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads system facts from the kernel (`/proc`, `/sys`, `uname`, `statvfs`, `getifaddrs`).
enum SystemProbe {
    /// The text of a small kernel file, or nil.
    static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// `key: value kB` lines of /proc/meminfo, in bytes.
    static func memoryInfo() -> [String: Int] {
        var values: [String: Int] = [:]
        for line in (read("/proc/meminfo") ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let number = Int(parts[1]) else { continue }
            let key = String(parts[0].dropLast())
            values[key] = parts.count >= 3 && parts[2] == "kB" ? number * 1024 : number
        }
        return values
    }

    static func uname() -> (system: String, node: String, release: String, machine: String) {
        var info = utsname()
        _ = Glibc.uname(&info)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return (field(info.sysname), field(info.nodename), field(info.release), field(info.machine))
    }

    /// Busy and total jiffies of all CPUs from /proc/stat.
    static func cpuTimes() -> (busy: Double, total: Double)? {
        guard let line = read("/proc/stat")?.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let numbers = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard numbers.count >= 4 else { return nil }
        let idle = numbers[3] + (numbers.count > 4 ? numbers[4] : 0)
        let total = numbers.reduce(0, +)
        return (total - idle, total)
    }

    static var logicalCPUs: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Distinct (physical id, core id) pairs in /proc/cpuinfo; the logical count when absent.
    static var physicalCores: Int {
        var pairs = Set<String>()
        var physical = ""
        for line in (read("/proc/cpuinfo") ?? "").split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0] == "physical id" { physical = parts[1] }
            if parts[0] == "core id" { pairs.insert(physical + "/" + parts[1]) }
        }
        return pairs.isEmpty ? logicalCPUs : pairs.count
    }

    /// Current, minimum and maximum frequency in MHz, when the kernel exposes them.
    static func cpuFrequency() -> (current: Double?, min: Double?, max: Double?) {
        func khz(_ name: String) -> Double? {
            read("/sys/devices/system/cpu/cpu0/cpufreq/\(name)").flatMap {
                Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }.map { $0 / 1000 }
        }
        var current = khz("scaling_cur_freq")
        if current == nil {
            for line in (read("/proc/cpuinfo") ?? "").split(separator: "\n") where line.hasPrefix("cpu MHz") {
                current = line.split(separator: ":").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                break
            }
        }
        return (current, khz("cpuinfo_min_freq"), khz("cpuinfo_max_freq"))
    }

    static func loadAverage() -> [Double]? {
        guard let text = read("/proc/loadavg") else { return nil }
        let values = text.split(separator: " ").prefix(3).compactMap { Double($0) }
        return values.count == 3 ? values : nil
    }

    /// Percentage rounded to one decimal.
    static func percent(_ part: Double, of whole: Double) -> Double {
        whole > 0 ? (part / whole * 1000).rounded() / 10 : 0
    }

    static var timestamp: String { Date().ISO8601Format() }
}
