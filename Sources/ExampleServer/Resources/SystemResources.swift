import Foundation
public import MCPCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Live facts about the machine, read from the OS on every request.
@Catalogue
public struct SystemResources: Sendable {
    public init() {}

    /// Operating system, kernel, architecture and host name.
    @Resource("system://info", name: "system_info", title: "System Information", mimeType: "application/json")
    static func systemInfo() -> JSONValue {
        let name = SystemProbe.uname()
        return [
            "platform": .string("\(name.system)-\(name.release)-\(name.machine)"),
            "system": .string(name.system),
            "release": .string(name.release),
            "machine": .string(name.machine),
            "processor": .string(name.machine),
            "hostname": .string(name.node),
            "swift_version": .string(swiftVersion),
            "timestamp": .string(SystemProbe.timestamp),
        ]
    }

    /// Physical memory and swap, in bytes.
    @Resource("system://memory", name: "memory_usage", title: "Memory Usage", mimeType: "application/json")
    static func memoryUsage() -> JSONValue {
        let info = SystemProbe.memoryInfo()
        let total = info["MemTotal"] ?? 0
        let available = info["MemAvailable"] ?? info["MemFree"] ?? 0
        let swapTotal = info["SwapTotal"] ?? 0
        let swapFree = info["SwapFree"] ?? 0
        return [
            "virtual_memory": [
                "total": .int(total), "available": .int(available), "used": .int(total - available),
                "percentage": .double(SystemProbe.percent(Double(total - available), of: Double(total))),
            ],
            "swap_memory": [
                "total": .int(swapTotal), "used": .int(swapTotal - swapFree), "free": .int(swapFree),
                "percentage": .double(SystemProbe.percent(Double(swapTotal - swapFree), of: Double(swapTotal))),
            ],
            "timestamp": .string(SystemProbe.timestamp),
        ]
    }

    /// CPU counts, utilisation over a short sample, frequency and load average.
    @Resource("system://cpu", name: "cpu_info", title: "CPU Information", mimeType: "application/json")
    static func cpuInfo() async throws -> JSONValue {
        let first = SystemProbe.cpuTimes()
        try await Task.sleep(for: .milliseconds(200))
        let second = SystemProbe.cpuTimes()
        var utilisation = 0.0
        if let first, let second {
            utilisation = SystemProbe.percent(second.busy - first.busy, of: second.total - first.total)
        }
        let frequency = SystemProbe.cpuFrequency()
        return [
            "cpu_count": .int(SystemProbe.physicalCores),
            "cpu_count_logical": .int(SystemProbe.logicalCPUs),
            "cpu_percent": .double(utilisation),
            "cpu_freq": [
                "current": frequency.current.map { .double($0) } ?? .null,
                "min": frequency.min.map { .double($0) } ?? .null,
                "max": frequency.max.map { .double($0) } ?? .null,
            ],
            "load_average": SystemProbe.loadAverage().map { .array($0.map { .double($0) }) } ?? .null,
            "timestamp": .string(SystemProbe.timestamp),
        ]
    }

    /// Size and use of the root file system, in bytes.
    @Resource("system://disk", name: "disk_usage", title: "Disk Usage", mimeType: "application/json")
    static func diskUsage() throws -> JSONValue {
        var info = statvfs()
        guard statvfs("/", &info) == 0 else { throw ToolError("statvfs failed") }
        let blockSize = Int(info.f_frsize)
        let total = Int(info.f_blocks) * blockSize
        let free = Int(info.f_bavail) * blockSize
        let used = total - Int(info.f_bfree) * blockSize
        return [
            "disk_usage": [
                "total": .int(total), "used": .int(used), "free": .int(free),
                "percentage": .double(SystemProbe.percent(Double(used), of: Double(used + free))),
            ],
            "timestamp": .string(SystemProbe.timestamp),
        ]
    }

    /// How many processes run, and the ten using the most memory.
    @Resource("system://processes", name: "running_processes", title: "Running Processes", mimeType: "application/json")
    static func runningProcesses() -> JSONValue {
        let processes = ProcessTable.snapshot()
        let top = processes.sorted { $0.residentBytes > $1.residentBytes }.prefix(10)
        let memoryTotal = Double(SystemProbe.memoryInfo()["MemTotal"] ?? 0)
        return [
            "total_processes": .int(processes.count),
            "top_processes": .array(
                top.map { process in
                    [
                        "pid": .int(process.pid), "name": .string(process.name),
                        "memory_rss": .int(process.residentBytes),
                        "memory_percent": .double(SystemProbe.percent(Double(process.residentBytes), of: memoryTotal)),
                        "cpu_percent": .double(process.lifetimeCPUPercent),
                    ]
                }),
            "timestamp": .string(SystemProbe.timestamp),
        ]
    }

    /// Network interfaces with their addresses, and traffic counters.
    @Resource("system://network", name: "network_info", title: "Network Information", mimeType: "application/json")
    static func networkInfo() -> JSONValue {
        [
            "interfaces": .object(NetworkProbe.interfaces()), "io_counters": .object(NetworkProbe.counters()),
            "timestamp": .string(SystemProbe.timestamp),
        ]
    }

    static var swiftVersion: String {
        #if swift(>=6.3)
            return "6.3"
        #elseif swift(>=6.2)
            return "6.2"
        #else
            return "6"
        #endif
    }
}
