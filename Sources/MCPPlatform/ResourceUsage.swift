#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Resident memory, CPU time and open descriptors of this process.
package struct ProcessUsage: Sendable, Equatable {
    package var residentBytes: Int
    package var cpuSeconds: Double
    package var openDescriptors: Int

    /// Now. A figure the platform cannot give stays 0.
    ///
    /// Linux: `VmRSS` of `/proc/self/status`, `getrusage`, the entries of `/proc/self/fd`.
    /// Darwin: `task_info(MACH_TASK_BASIC_INFO)`'s resident size, `getrusage`, the entries of
    /// `/dev/fd`.
    package static func current() -> ProcessUsage {
        var usage = ProcessUsage(residentBytes: 0, cpuSeconds: 0, openDescriptors: 0)
        usage.residentBytes = residentBytes()
        var times = rusage()
        #if canImport(Darwin)
            let measured = getrusage(RUSAGE_SELF, &times) == 0
        #elseif canImport(Glibc)
            let measured = getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &times) == 0
        #elseif canImport(Musl)
            let measured = getrusage(RUSAGE_SELF, &times) == 0
        #endif
        if measured {
            usage.cpuSeconds =
                Double(times.ru_utime.tv_sec) + Double(times.ru_utime.tv_usec) / 1e6
                + Double(times.ru_stime.tv_sec) + Double(times.ru_stime.tv_usec) / 1e6
        }
        #if canImport(Darwin)
            usage.openDescriptors = FileSystem.names(in: "/dev/fd")?.count ?? 0
        #else
            usage.openDescriptors = FileSystem.names(in: "/proc/self/fd")?.count ?? 0
        #endif
        return usage
    }

    private static func residentBytes() -> Int {
        #if canImport(Darwin)
            var info = mach_task_basic_info()
            var count = mach_msg_type_number_t(MemoryLayout<mach_task_basic_info>.size / MemoryLayout<natural_t>.size)
            let result = withUnsafeMutablePointer(to: &info) {
                $0.withMemoryRebound(to: integer_t.self, capacity: Int(count)) {
                    task_info(currentTask, task_flavor_t(MACH_TASK_BASIC_INFO), $0, &count)
                }
            }
            return result == KERN_SUCCESS ? Int(info.resident_size) : 0
        #else
            var bytes = 0
            for line in (FileSystem.readText("/proc/self/status") ?? "").split(separator: "\n")
            where line.hasPrefix("VmRSS:") {
                bytes =
                    (Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0)
                    * 1024
            }
            return bytes
        #endif
    }

    #if canImport(Darwin)
        /// This task's Mach port, asked for once. Not `mach_task_self_`: SDKs before macOS 15.4
        /// declare that global without the annotation Swift 6 needs to read it.
        private static let currentTask = task_self_trap()
    #endif
}

/// What the calling thread has used so far: CPU time and the times it gave up its CPU to wait
/// (voluntary context switches: I/O, a lock, a sleep). Tells a call that was slow because it
/// worked or waited from one that was only preempted on a busy machine.
package struct ThreadUsage: Sendable, Equatable {
    package var cpuNanoseconds: UInt64
    package var voluntarySwitches: Int

    package init(cpuNanoseconds: UInt64, voluntarySwitches: Int) {
        self.cpuNanoseconds = cpuNanoseconds
        self.voluntarySwitches = voluntarySwitches
    }

    /// Now, for the calling thread: `getrusage(RUSAGE_THREAD)` on Linux. Nil where the platform
    /// has no per-thread figures (Darwin) or the call fails.
    package static func current() -> ThreadUsage? {
        #if canImport(Darwin)
            return nil
        #else
            var times = rusage()
            // RUSAGE_THREAD (Linux 2.6.26+) is 1; Glibc declares it only under _GNU_SOURCE.
            #if canImport(Glibc)
                guard getrusage(__rusage_who_t(1), &times) == 0 else { return nil }
            #else
                guard getrusage(1, &times) == 0 else { return nil }
            #endif
            let microseconds =
                (Int64(times.ru_utime.tv_sec) + Int64(times.ru_stime.tv_sec)) * 1_000_000
                + Int64(times.ru_utime.tv_usec) + Int64(times.ru_stime.tv_usec)
            return ThreadUsage(
                cpuNanoseconds: UInt64(max(0, microseconds)) * 1000, voluntarySwitches: Int(times.ru_nvcsw))
        #endif
    }
}

/// The machine's processors.
package enum Processors {
    /// `sysconf(_SC_NPROCESSORS_ONLN)`: the processors online (the same call on Linux and
    /// Darwin); -1 when the platform cannot say. A cgroup quota is not reflected here.
    package static var online: Int {
        sysconf(Int32(_SC_NPROCESSORS_ONLN))
    }
}

/// Hands back the resident pages of this executable's code once start-up (or other one-off
/// work, such as the supervisor replacing a worker) is over.
///
/// The static binary's code (stdlib, Foundation, NIO, the catalogue: ~38 MB) is mapped by every
/// process of the server, and start-up — argument parsing, settings, the dynamic loader's
/// relocation pass, building the catalogue, each fault bringing in its 64 KB neighbourhood —
/// leaves 16–19 MB of it resident per process. After start-up the supervisor runs only its poll
/// loop (and drops again after each worker replacement, whose spawn, logs and metrics fold
/// grew it 8 → 17 MB under recycling load) and a worker only its request path, so each drops its mappings of those pages
/// (`MADV_DONTNEED`) and faults back in what it runs next (measured: supervisor 27 → 14 MB,
/// workers under load 31–34 → 23–25 MB RSS; request rate unchanged). Only the executable's
/// `r-xp` mappings are dropped: they are never written (no text relocations in a PIE), so a
/// refault reads exactly the same bytes; relocated data (`.data.rel.ro`) is left alone.
///
/// Linux only (it reads `/proc/self/maps`). Darwin has no such file and its kernel already
/// shares and pages out clean code pages; there it releases nothing.
package enum StartupCode {
    /// Bytes released (0 when /proc is unavailable, and on Darwin).
    @discardableResult
    package static func release() -> Int {
        #if canImport(Darwin)
            return 0
        #else
            guard let executable = resolvedPath("/proc/self/exe"), let maps = fopen("/proc/self/maps", "r") else {
                return 0
            }
            defer { fclose(maps) }
            var released = 0
            var buffer = [CChar](repeating: 0, count: 4096)
            while fgets(&buffer, Int32(buffer.count), maps) != nil {
                let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count >= 6, fields[1] == "r-xp",
                    fields[5].split(separator: "\n").first.map(String.init) == executable
                else { continue }
                let bounds = fields[0].split(separator: "-").compactMap { UInt(String($0), radix: 16) }
                guard bounds.count == 2, bounds[1] > bounds[0],
                    let start = UnsafeMutableRawPointer(bitPattern: bounds[0])
                else { continue }
                let length = Int(bounds[1] - bounds[0])
                if madvise(start, length, MADV_DONTNEED) == 0 { released += length }
            }
            return released
        #endif
    }

    #if !canImport(Darwin)
        private static func resolvedPath(_ link: String) -> String? {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(link, &buffer, buffer.count - 1)
            guard count > 0 else { return nil }
            return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    #endif
}
