#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A file mapped into memory shared by every process that maps it (`mmap(MAP_SHARED)`): the
/// tables worker processes of one server share.
package enum SharedMemory {
    /// Opens (creating it, mode 0600) the file at `path` for reading and writing. `O_NOFOLLOW`: a
    /// link planted where the file goes must not redirect it onto another file. -1 on failure.
    package static func openFile(_ path: String) -> Int32 {
        open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
    }

    /// The file's size, from `lseek` to its end (`struct stat` is avoided: whichever C module
    /// included <sys/stat.h> first claims it, which strict member-import checking rejects in
    /// files that import Dispatch).
    package static func size(of descriptor: Int32) -> Int {
        Int(lseek(descriptor, 0, SEEK_END))
    }

    /// `ftruncate`: sets the file's size.
    package static func resize(_ descriptor: Int32, to bytes: Int) {
        _ = ftruncate(descriptor, off_t(bytes))
    }

    /// Maps `bytes` of the open file, readable, writable and shared; nil when it cannot.
    package static func map(_ descriptor: Int32, bytes: Int) -> UnsafeMutableRawPointer? {
        let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0)
        #if canImport(Darwin)
            // `MAP_FAILED` is the macro `((void *)-1)`, which Swift imports only through the overlay.
            guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        #else
            guard let mapped, mapped != MAP_FAILED else { return nil }
        #endif
        return mapped
    }

    /// Unmaps what ``map(_:bytes:)`` returned.
    package static func unmap(_ base: UnsafeMutableRawPointer, bytes: Int) {
        munmap(base, bytes)
    }
}
