#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Private anonymous memory taken straight from the kernel (`mmap(MAP_PRIVATE | MAP_ANONYMOUS)`),
/// outside `malloc`'s arenas: a page costs memory once it is written, and ``release(_:bytes:)``
/// gives written pages back at once (an arena keeps what it once held, fragmented among other
/// allocations). For buffers that are small most of the time and large for a while.
package enum PrivateMemory {
    /// The size of a page.
    package static let pageBytes = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Reserves `bytes` of zeroed, readable and writable address space (no memory is used until
    /// a page is written); nil when the system refuses.
    package static func reserve(_ bytes: Int) -> UnsafeMutableRawPointer? {
        #if canImport(Darwin)
            let flags = MAP_PRIVATE | MAP_ANON
            let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, flags, -1, 0)
            guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        #else
            let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
            let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, flags, -1, 0)
            guard let mapped, mapped != MAP_FAILED else { return nil }
        #endif
        return mapped
    }

    /// Gives back the pages of `bytes` from `start` (both multiples of ``pageBytes``): they read
    /// as zeros afterwards and cost memory again only once written.
    package static func release(_ start: UnsafeMutableRawPointer, bytes: Int) {
        guard bytes > 0 else { return }
        #if canImport(Darwin)
            // Darwin's MADV_DONTNEED keeps the pages counted; a fresh mapping over them does not.
            _ = mmap(start, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0)
        #else
            _ = madvise(start, bytes, MADV_DONTNEED)
        #endif
    }

    /// How many of the `bytes` from `start` (a page boundary) are in memory now (`mincore`).
    package static func residentBytes(_ start: UnsafeMutableRawPointer, bytes: Int) -> Int {
        let pages = (bytes + pageBytes - 1) / pageBytes
        #if canImport(Darwin)
            var flags = [CChar](repeating: 0, count: pages)
        #else
            var flags = [UInt8](repeating: 0, count: pages)
        #endif
        guard mincore(start, bytes, &flags) == 0 else { return 0 }
        return flags.reduce(0) { $0 + (($1 & 1) != 0 ? pageBytes : 0) }
    }
}
