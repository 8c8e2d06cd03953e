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

/// Hands back the resident pages of this executable's code and read-only data once start-up (or
/// other one-off work, such as the supervisor replacing a worker) is over.
///
/// The static binary (stdlib, Foundation, NIO, the catalogue: ~34 MB of code and more of
/// read-only data) is mapped by every process of the server, and start-up — argument parsing,
/// settings, the dynamic loader, the Swift runtime's metadata lookups, building the catalogue,
/// each fault bringing in its 64 KB neighbourhood — leaves megabytes of it resident per process.
/// After start-up the supervisor runs only its poll loop (and drops again after each worker
/// replacement) and a worker only its request path, so each drops its mappings of those pages
/// (`MADV_DONTNEED`) and faults back in what it runs next; the release build lays the request
/// path's functions out together (`deploy/docker/code-order.txt`), so that is a few pages.
///
/// Only the executable's read-only `PT_LOAD` segments (code, constants, metadata, unwind
/// tables) are dropped, found through its program headers (`AT_PHDR`): nothing writes them, so a
/// refault reads exactly the same bytes from the file. Writable segments — relocated data
/// (`.data.rel.ro`, read-only only after relocation), `.data`, `.bss` — are left alone, and each
/// range is rounded inwards to whole pages so no page of a neighbouring segment is touched.
///
/// Linux only (64-bit ELF). Darwin's kernel already shares and pages out clean pages; there it
/// releases nothing.
package enum StartupCode {
    /// Bytes released (0 on Darwin, and where the program headers cannot be read).
    @discardableResult
    package static func release() -> Int {
        #if canImport(Darwin)
            return 0
        #else
            var released = 0
            for segment in readOnlySegments() {
                let start = UnsafeMutableRawPointer(bitPattern: segment.lowerBound)
                if let start, madvise(start, segment.count, MADV_DONTNEED) == 0 { released += segment.count }
            }
            return released
        #endif
    }

    #if !canImport(Darwin)
        /// The executable's loaded segments without `PF_W`, as page-aligned address ranges.
        package static func readOnlySegments() -> [Range<UInt>] {
            // Elf64_Phdr: p_type (UInt32) at 0, p_flags (UInt32) at 4, p_vaddr at 16, p_memsz at 40.
            let entrySize = 56
            let loadable: UInt32 = 1  // PT_LOAD
            let programHeader: UInt32 = 6  // PT_PHDR
            let writable: UInt32 = 2  // PF_W
            let vector = auxiliaryVector()
            guard MemoryLayout<Int>.size == 8, vector[4] == UInt(entrySize),  // AT_PHENT
                let table = vector[3], let headers = UnsafeRawPointer(bitPattern: table),  // AT_PHDR
                let phnum = vector[5], phnum > 0  // AT_PHNUM
            else { return [] }
            let count = Int(phnum)
            func field<T: FixedWidthInteger>(_ index: Int, _ offset: Int, _: T.Type) -> T {
                headers.loadUnaligned(fromByteOffset: index * entrySize + offset, as: T.self)
            }
            // The load bias: where the headers are, less where PT_PHDR says they would be.
            guard let phdr = (0..<count).first(where: { field($0, 0, UInt32.self) == programHeader }) else { return [] }
            let bias = table &- UInt(field(phdr, 16, UInt64.self))
            let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
            return (0..<count).compactMap { index in
                guard field(index, 0, UInt32.self) == loadable, field(index, 4, UInt32.self) & writable == 0 else {
                    return nil
                }
                let start = bias &+ UInt(field(index, 16, UInt64.self))
                let end = start &+ UInt(field(index, 40, UInt64.self))
                let (first, last) = ((start + page - 1) / page * page, end / page * page)
                return first < last ? first..<last : nil
            }
        }

        /// `/proc/self/auxv`: the kernel's (type, value) pairs for this process (glibc's
        /// `getauxval` is not in the Swift module).
        private static func auxiliaryVector() -> [UInt: UInt] {
            guard let bytes = PrivateFile.read("/proc/self/auxv", limit: 4096) else { return [:] }
            var vector: [UInt: UInt] = [:]
            bytes.withUnsafeBytes { raw in
                for offset in stride(from: 0, to: raw.count - 15, by: 16) {
                    let type = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    if type == 0 { break }  // AT_NULL
                    vector[UInt(type)] = UInt(raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
                }
            }
            return vector
        }
    #endif
}
