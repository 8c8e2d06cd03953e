#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Facts about the machine (what the example server's `system://` resources report): the
/// system's name, memory, processors, load, disk, processes and network.
///
/// Linux reads them from the kernel (`/proc`, `/sys`, `uname`, `statvfs`, `getifaddrs`).
/// Darwin has no `/proc`: `sysctl`, the Mach host statistics, `getloadavg` and `getifaddrs`
/// stand in, and what has no counterpart there is said at each function.
package enum HostFacts {
    /// `uname`'s fields.
    package struct SystemName: Sendable, Equatable {
        package var system: String
        package var node: String
        package var release: String
        package var machine: String
    }

    /// Physical memory and swap, in bytes.
    package struct Memory: Sendable, Equatable {
        package var total: Int
        /// What can be had without swapping.
        package var available: Int
        package var swapTotal: Int
        package var swapFree: Int
    }

    /// Processor ticks since boot, all processors together.
    package struct ProcessorTimes: Sendable, Equatable {
        package var busy: Double
        package var total: Double
    }

    /// Processor frequency in MHz; nil where the platform does not say.
    package struct Frequency: Sendable, Equatable {
        package var current: Double?
        package var minimum: Double?
        package var maximum: Double?
    }

    /// A file system's size, in bytes.
    package struct DiskSpace: Sendable, Equatable {
        package var total: Int
        package var used: Int
        /// What an unprivileged user may still write.
        package var free: Int
    }

    /// One running process.
    package struct Process: Sendable, Equatable {
        package var pid: Int
        package var name: String
        package var residentBytes: Int
        /// CPU time used since the process started, as a share of its lifetime, rounded to 0.1.
        package var lifetimeCPUPercent: Double
    }

    /// One IPv4 or IPv6 address of a network interface.
    package struct InterfaceAddress: Sendable, Equatable {
        package var interface: String
        package var isIPv6: Bool
        package var address: String?
        package var netmask: String?
    }

    /// Traffic over all interfaces since boot.
    package struct Traffic: Sendable, Equatable {
        package var bytesReceived = 0
        package var packetsReceived = 0
        package var bytesSent = 0
        package var packetsSent = 0
    }

    // MARK: System and memory

    package static func systemName() -> SystemName {
        var info = utsname()
        _ = uname(&info)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return SystemName(
            system: field(info.sysname), node: field(info.nodename), release: field(info.release),
            machine: field(info.machine))
    }

    /// Linux: `/proc/meminfo` (`MemAvailable`, else `MemFree`); 0 for what it lacks. Darwin:
    /// `hw.memsize`; free, inactive and speculative pages of the Mach VM statistics; `vm.swapusage`.
    package static func memory() -> Memory {
        #if canImport(Darwin)
            var memory = Memory(total: sysctlInteger("hw.memsize") ?? 0, available: 0, swapTotal: 0, swapFree: 0)
            var statistics = vm_statistics64_data_t()
            var count = mach_msg_type_number_t(
                MemoryLayout<vm_statistics64_data_t>.size / MemoryLayout<integer_t>.size)
            let result = withUnsafeMutablePointer(to: &statistics) {
                $0.withMemoryRebound(to: integer_t.self, capacity: Int(count)) {
                    host_statistics64(machHost, HOST_VM_INFO64, $0, &count)
                }
            }
            if result == KERN_SUCCESS {
                let pages =
                    Int(statistics.free_count) + Int(statistics.inactive_count) + Int(statistics.speculative_count)
                memory.available = pages * Int(getpagesize())
            }
            var swap = xsw_usage()
            var size = MemoryLayout<xsw_usage>.size
            if sysctlbyname("vm.swapusage", &swap, &size, nil, 0) == 0 {
                memory.swapTotal = Int(swap.xsu_total)
                memory.swapFree = Int(swap.xsu_avail)
            }
            return memory
        #else
            let values = memoryInfo()
            return Memory(
                total: values["MemTotal"] ?? 0, available: values["MemAvailable"] ?? values["MemFree"] ?? 0,
                swapTotal: values["SwapTotal"] ?? 0, swapFree: values["SwapFree"] ?? 0)
        #endif
    }

    // MARK: Processors

    /// Linux: the first line of `/proc/stat` (idle and I/O wait are not busy). Darwin: the host's
    /// `HOST_CPU_LOAD_INFO` ticks (idle is not busy).
    package static func processorTimes() -> ProcessorTimes? {
        #if canImport(Darwin)
            var load = host_cpu_load_info_data_t()
            var count = mach_msg_type_number_t(
                MemoryLayout<host_cpu_load_info_data_t>.size / MemoryLayout<integer_t>.size)
            let result = withUnsafeMutablePointer(to: &load) {
                $0.withMemoryRebound(to: integer_t.self, capacity: Int(count)) {
                    host_statistics(machHost, HOST_CPU_LOAD_INFO, $0, &count)
                }
            }
            guard result == KERN_SUCCESS else { return nil }
            // cpu_ticks: user, system, idle, nice (CPU_STATE_USER … CPU_STATE_NICE).
            let ticks = load.cpu_ticks
            let idle = Double(ticks.2)
            let total = Double(ticks.0) + Double(ticks.1) + idle + Double(ticks.3)
            return ProcessorTimes(busy: total - idle, total: total)
        #else
            guard let line = FileSystem.readText("/proc/stat")?.split(separator: "\n").first, line.hasPrefix("cpu ")
            else { return nil }
            let numbers = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            guard numbers.count >= 4 else { return nil }
            let idle = numbers[3] + (numbers.count > 4 ? numbers[4] : 0)
            let total = numbers.reduce(0, +)
            return ProcessorTimes(busy: total - idle, total: total)
        #endif
    }

    /// Linux: distinct (physical id, core id) pairs in `/proc/cpuinfo`. Darwin: `hw.physicalcpu`.
    /// The logical count when that is not known.
    package static func physicalCores() -> Int {
        #if canImport(Darwin)
            return sysctlInteger("hw.physicalcpu") ?? Processors.online
        #else
            var pairs = Set<String>()
            var physical = ""
            for line in (FileSystem.readText("/proc/cpuinfo") ?? "").split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1).map { trimmingBlanks($0) }
                guard parts.count == 2 else { continue }
                if parts[0] == "physical id" { physical = parts[1] }
                if parts[0] == "core id" { pairs.insert(physical + "/" + parts[1]) }
            }
            return pairs.isEmpty ? Processors.online : pairs.count
        #endif
    }

    /// Linux: cpufreq of processor 0 under `/sys` (the current one from `/proc/cpuinfo` when
    /// cpufreq is absent). Darwin: `hw.cpufrequency` and its minimum and maximum, which Intel
    /// Macs report and Apple silicon does not (nil there).
    package static func frequency() -> Frequency {
        #if canImport(Darwin)
            func megahertz(_ name: String) -> Double? { sysctlInteger(name).map { Double($0) / 1_000_000 } }
            return Frequency(
                current: megahertz("hw.cpufrequency"), minimum: megahertz("hw.cpufrequency_min"),
                maximum: megahertz("hw.cpufrequency_max"))
        #else
            func khz(_ name: String) -> Double? {
                FileSystem.readText("/sys/devices/system/cpu/cpu0/cpufreq/\(name)").flatMap {
                    Double(trimmingBlanks($0, newlines: true))
                }.map { $0 / 1000 }
            }
            var current = khz("scaling_cur_freq")
            if current == nil {
                for line in (FileSystem.readText("/proc/cpuinfo") ?? "").split(separator: "\n")
                where line.hasPrefix("cpu MHz") {
                    current = line.split(separator: ":").last.flatMap { Double(trimmingBlanks($0)) }
                    break
                }
            }
            return Frequency(current: current, minimum: khz("cpuinfo_min_freq"), maximum: khz("cpuinfo_max_freq"))
        #endif
    }

    /// The 1, 5 and 15 minute load averages. Linux: `/proc/loadavg`. Darwin: `getloadavg`.
    package static func loadAverage() -> [Double]? {
        #if canImport(Darwin)
            var values = [Double](repeating: 0, count: 3)
            return getloadavg(&values, 3) == 3 ? values : nil
        #else
            guard let text = FileSystem.readText("/proc/loadavg") else { return nil }
            let values = text.split(separator: " ").prefix(3).compactMap { Double($0) }
            return values.count == 3 ? values : nil
        #endif
    }

    // MARK: Disk

    /// `statvfs` of the file system holding `path` (the same call on Linux and Darwin).
    package static func diskSpace(_ path: String = "/") -> DiskSpace? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let blockSize = Int(info.f_frsize)
        let total = Int(info.f_blocks) * blockSize
        return DiskSpace(
            total: total, used: total - Int(info.f_bfree) * blockSize, free: Int(info.f_bavail) * blockSize)
    }

    // MARK: Processes

    /// The processes this user can see. Linux: each `/proc/<pid>/stat`. Darwin: none — its
    /// process table is read through libproc, which is not part of the portable C module this
    /// package builds against, so the list is empty there.
    package static func processes() -> [Process] {
        #if canImport(Darwin)
            return []
        #else
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
            let uptime =
                FileSystem.readText("/proc/uptime").flatMap { Double($0.split(separator: " ").first ?? "") } ?? 0
            var processes: [Process] = []
            for entry in FileSystem.names(in: "/proc") ?? [] {
                guard let pid = Int(entry), let stat = FileSystem.readText("/proc/\(pid)/stat"),
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
        #endif
    }

    // MARK: Network

    /// Every IPv4 and IPv6 address of every interface, in `getifaddrs` order (the same call on
    /// Linux and Darwin).
    package static func interfaceAddresses() -> [InterfaceAddress] {
        var addresses: [InterfaceAddress] = []
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return addresses }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            guard let address = entry.pointee.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            addresses.append(
                InterfaceAddress(
                    interface: String(cString: entry.pointee.ifa_name), isIPv6: family == AF_INET6,
                    address: numericText(of: address), netmask: entry.pointee.ifa_netmask.flatMap(numericText)))
        }
        return addresses
    }

    /// Linux: the sums over all interfaces of `/proc/net/dev` (zeros when it cannot be read).
    /// Darwin: the sums of the link-level `if_data` counters `getifaddrs` gives, which are
    /// 32-bit there and wrap at 4 GiB.
    package static func traffic() -> Traffic {
        var traffic = Traffic()
        #if canImport(Darwin)
            var list: UnsafeMutablePointer<ifaddrs>?
            guard getifaddrs(&list) == 0, let first = list else { return traffic }
            defer { freeifaddrs(list) }
            var cursor: UnsafeMutablePointer<ifaddrs>? = first
            while let entry = cursor {
                cursor = entry.pointee.ifa_next
                guard let address = entry.pointee.ifa_addr, Int32(address.pointee.sa_family) == AF_LINK,
                    let data = entry.pointee.ifa_data
                else { continue }
                let counters = data.assumingMemoryBound(to: if_data.self).pointee
                traffic.bytesReceived += Int(counters.ifi_ibytes)
                traffic.packetsReceived += Int(counters.ifi_ipackets)
                traffic.bytesSent += Int(counters.ifi_obytes)
                traffic.packetsSent += Int(counters.ifi_opackets)
            }
        #else
            for line in (FileSystem.readText("/proc/net/dev") ?? "").split(separator: "\n").dropFirst(2) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let numbers = line[line.index(after: colon)...].split(separator: " ").compactMap { Int($0) }
                guard numbers.count >= 10 else { continue }
                traffic.bytesReceived += numbers[0]
                traffic.packetsReceived += numbers[1]
                traffic.bytesSent += numbers[8]
                traffic.packetsSent += numbers[9]
            }
        #endif
        return traffic
    }

    /// `getnameinfo(NI_NUMERICHOST)` of an IPv4 or IPv6 socket address.
    private static func numericText(of address: UnsafeMutablePointer<sockaddr>) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let length = socklen_t(
            Int32(address.pointee.sa_family) == AF_INET
                ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
        guard getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else {
            return nil
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    #if canImport(Darwin)
        /// The host's Mach port, asked for once (each `mach_host_self()` adds a reference).
        private static let machHost = mach_host_self()

        /// A 32- or 64-bit integer `sysctl` by name; nil when there is no such name.
        private static func sysctlInteger(_ name: String) -> Int? {
            var size = 0
            guard sysctlbyname(name, nil, &size, nil, 0) == 0 else { return nil }
            switch size {
            case MemoryLayout<Int32>.size:
                var value: Int32 = 0
                guard sysctlbyname(name, &value, &size, nil, 0) == 0 else { return nil }
                return Int(value)
            case MemoryLayout<Int64>.size:
                var value: Int64 = 0
                guard sysctlbyname(name, &value, &size, nil, 0) == 0 else { return nil }
                return Int(value)
            default:
                return nil
            }
        }
    #else
        /// `key: value kB` lines of `/proc/meminfo`, in bytes.
        private static func memoryInfo() -> [String: Int] {
            var values: [String: Int] = [:]
            for line in (FileSystem.readText("/proc/meminfo") ?? "").split(separator: "\n") {
                let parts = line.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count >= 2, let number = Int(parts[1]) else { continue }
                let key = String(parts[0].dropLast())
                values[key] = parts.count >= 3 && parts[2] == "kB" ? number * 1024 : number
            }
            return values
        }
    #endif
}

/// `text` without leading and trailing spaces and tabs (and line ends with `newlines`): what
/// Foundation's `trimmingCharacters(in: .whitespaces)` does to the kernel's ASCII files.
private func trimmingBlanks(_ text: some StringProtocol, newlines: Bool = false) -> String {
    func isBlank(_ character: Character) -> Bool { character.isWhitespace && (newlines || !character.isNewline) }
    guard let start = text.firstIndex(where: { !isBlank($0) }) else { return "" }
    let end = text.lastIndex(where: { !isBlank($0) })!
    return String(text[start...end])
}
