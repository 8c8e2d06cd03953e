public import MCPCore
import MCPPlatform

/// Live facts about the machine, read from the OS on every request.
@Catalogue
public struct SystemResources: Sendable {
    /// The system resources; they read the OS on each request.
    public init() {}

    /// Operating system, kernel, architecture and host name.
    @Resource("system://info", name: "system_info", title: "System Information", mimeType: "application/json")
    static func systemInfo() -> JSONValue {
        let name = HostFacts.systemName()
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
        let memory = HostFacts.memory()
        let total = memory.total
        let available = memory.available
        let swapTotal = memory.swapTotal
        let swapFree = memory.swapFree
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
        let first = HostFacts.processorTimes()
        try await Task.sleep(for: .milliseconds(200))
        let second = HostFacts.processorTimes()
        var utilisation = 0.0
        if let first, let second {
            utilisation = SystemProbe.percent(second.busy - first.busy, of: second.total - first.total)
        }
        let frequency = HostFacts.frequency()
        return [
            "cpu_count": .int(HostFacts.physicalCores()),
            "cpu_count_logical": .int(Processors.online),
            "cpu_percent": .double(utilisation),
            "cpu_freq": [
                "current": frequency.current.map { .double($0) } ?? .null,
                "min": frequency.minimum.map { .double($0) } ?? .null,
                "max": frequency.maximum.map { .double($0) } ?? .null,
            ],
            "load_average": HostFacts.loadAverage().map { .array($0.map { .double($0) }) } ?? .null,
            "timestamp": .string(SystemProbe.timestamp),
        ]
    }

    /// Size and use of the root file system, in bytes.
    @Resource("system://disk", name: "disk_usage", title: "Disk Usage", mimeType: "application/json")
    static func diskUsage() throws -> JSONValue {
        guard let disk = HostFacts.diskSpace("/") else { throw ToolError("statvfs failed") }
        return [
            "disk_usage": [
                "total": .int(disk.total), "used": .int(disk.used), "free": .int(disk.free),
                "percentage": .double(SystemProbe.percent(Double(disk.used), of: Double(disk.used + disk.free))),
            ],
            "timestamp": .string(SystemProbe.timestamp),
        ]
    }

    /// How many processes run, and the ten using the most memory.
    @Resource("system://processes", name: "running_processes", title: "Running Processes", mimeType: "application/json")
    static func runningProcesses() -> JSONValue {
        let processes = HostFacts.processes()
        let top = processes.sorted { $0.residentBytes > $1.residentBytes }.prefix(10)
        let memoryTotal = Double(HostFacts.memory().total)
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
