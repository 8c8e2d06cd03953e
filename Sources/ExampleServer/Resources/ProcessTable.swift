import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The processes visible in /proc.
enum ProcessTable {
    struct Process {
        var pid: Int
        var name: String
        var residentBytes: Int
        /// CPU time used since the process started, as a share of its lifetime.
        var lifetimeCPUPercent: Double
    }

    static func snapshot() -> [Process] {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let uptime = SystemProbe.read("/proc/uptime").flatMap { Double($0.split(separator: " ").first ?? "") } ?? 0
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var processes: [Process] = []
        for entry in entries {
            guard let pid = Int(entry), let stat = SystemProbe.read("/proc/\(pid)/stat"),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { continue }
            let name = String(stat[stat.index(after: open)..<close])
            // Fields after the name, starting at field 3 (state).
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 22, let user = Double(fields[11]), let system = Double(fields[12]),
                let start = Double(fields[19]), let rssPages = Int(fields[21])
            else { continue }
            let lifetime = uptime - start / ticks
            let cpu = lifetime > 0 ? (user + system) / ticks / lifetime * 100 : 0
            processes.append(
                Process(
                    pid: pid, name: name, residentBytes: rssPages * pageSize,
                    lifetimeCPUPercent: (cpu * 10).rounded() / 10))
        }
        return processes
    }
}
