import Foundation
import MCPPlatform

/// How many CPUs this process may really use, and how many workers that makes.
///
/// Containers lie about CPUs: `nproc` in a container limited to 2 CPUs on a 64-core host says 64.
/// The cgroup quota is the truth when one is set: cgroup v2 `cpu.max` (`"200000 100000"` means
/// 2 CPUs, `"max 100000"` none), else cgroup v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`.
package struct CPUBudget: Sendable, Equatable {
    /// CPUs available, possibly fractional (a quota of 1.5 CPUs).
    package let cpus: Double
    /// Where the number came from: `cgroup-v2`, `cgroup-v1` or `cores`.
    package let source: String

    /// A budget of `cpus` CPUs found by `source`.
    package init(cpus: Double, source: String) {
        self.cpus = cpus
        self.source = source
    }

    /// Reads the budget from the cgroup files below `root` (`/sys/fs/cgroup` normally), falling
    /// back to the online core count.
    package static func detect(cgroupRoot root: String = "/sys/fs/cgroup", cores: Int? = nil) -> CPUBudget {
        let online = cores ?? Processors.online
        if let text = read(root + "/cpu.max") {
            let parts = text.split(separator: " ")
            if parts.count == 2, parts[0] != "max", let quota = Double(parts[0]), let period = Double(parts[1]),
                quota > 0, period > 0
            {
                return CPUBudget(cpus: min(quota / period, Double(online)), source: "cgroup-v2")
            }
            return CPUBudget(cpus: Double(online), source: "cores")
        }
        for folder in [root + "/cpu", root + "/cpu,cpuacct", root + "/cpuacct,cpu"] {
            if let quotaText = read(folder + "/cpu.cfs_quota_us"), let periodText = read(folder + "/cpu.cfs_period_us"),
                let quota = Double(quotaText), let period = Double(periodText), quota > 0, period > 0
            {
                return CPUBudget(cpus: min(quota / period, Double(online)), source: "cgroup-v1")
            }
        }
        return CPUBudget(cpus: Double(online), source: "cores")
    }

    /// `clamp(ceil(cpus × perCPU) + extra, minimum, maximum)`. The original scaffold's rule is
    /// perCPU 2, extra 1, between 2 and 8; ours defaults to one worker per two CPUs (see docs).
    package func workers(perCPU: Double, extra: Int, minimum: Int, maximum: Int) -> Int {
        let raw = Int((cpus * perCPU).rounded(.up)) + extra
        return max(minimum, min(maximum, raw))
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
