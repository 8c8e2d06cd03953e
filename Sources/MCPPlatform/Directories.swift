#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Work relative to an open folder (`openat` and its family), never following a symbolic
/// link: how a sandbox resolves a path component by component so that no path, and no race on
/// disk, leads outside it. Descriptors returned are close-on-exec; a negative one, a false or a
/// nil means failure with ``SystemErrno/current`` set.
package enum Directories {
    /// `open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)`.
    package static func openFolder(atPath path: String) -> Int32 {
        open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    /// The folder `name` inside `folder`; fails on a link (`O_NOFOLLOW`) or a non-folder.
    package static func openFolder(_ name: String, in folder: Int32) -> Int32 {
        openat(folder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    }

    /// `mkdirat`: true when the folder was made.
    package static func makeFolder(_ name: String, in folder: Int32, permissions: Int) -> Bool {
        mkdirat(folder, name, mode_t(permissions)) == 0
    }

    /// The file `name` inside `folder`, for reading: never a link, and never blocking on a FIFO.
    package static func openForReading(_ name: String, in folder: Int32) -> Int32 {
        openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    }

    /// Creates the file `name` inside `folder` for writing; fails when anything has that name.
    package static func createFile(_ name: String, in folder: Int32, permissions: Int) -> Int32 {
        openat(folder, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(permissions))
    }

    /// `fstatat(AT_SYMLINK_NOFOLLOW)`: what `name` inside `folder` is (a link is a link).
    package static func status(of name: String, in folder: Int32) -> FileStatus? {
        var info = stat()
        guard fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return FileStatus(info)
    }

    /// `fstat` of an open descriptor.
    package static func status(ofDescriptor descriptor: Int32) -> FileStatus? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return FileStatus(info)
    }

    /// `renameat` within one folder: true when `name` now has `source`'s content.
    package static func rename(_ source: String, to name: String, in folder: Int32) -> Bool {
        renameat(folder, source, folder, name) == 0
    }

    /// `linkat` within one folder: a second name for `source`; fails when `name` exists.
    package static func link(_ source: String, as name: String, in folder: Int32) -> Bool {
        linkat(folder, source, folder, name, 0) == 0
    }

    /// `unlinkat`: removes the name `name` (a file or a link, never a folder).
    @discardableResult
    package static func remove(_ name: String, in folder: Int32) -> Bool {
        unlinkat(folder, name, 0) == 0
    }

    /// Calls `body` with each name in the folder `descriptor` (`.` and `..` included) and the
    /// folder's descriptor for `*at` calls, while it returns true. Takes the descriptor over and
    /// closes it. False, with `errno` set, when the folder cannot be read.
    package static func forEachEntry<Failure: Error>(
        in descriptor: Int32, _ body: (_ name: String, _ folder: Int32) throws(Failure) -> Bool
    ) throws(Failure) -> Bool {
        guard let stream = fdopendir(descriptor) else {
            Descriptors.close(descriptor)
            return false
        }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            guard try body(entryName(at: UnsafeRawPointer(entry)), dirfd(stream)) else { break }
        }
        return true
    }

    /// The name of the `readdir` entry (a `dirent`) at `entry`, read up to its NUL. Never loads
    /// `d_name` as a value: the kernel packs entries to their names' length, so the declared
    /// 256-byte array of the last entry in `readdir`'s buffer can run past the buffer's end, into
    /// an unmapped page.
    package static func entryName(at entry: UnsafeRawPointer) -> String {
        let offset = MemoryLayout<dirent>.offset(of: \.d_name)!
        return String(cString: (entry + offset).assumingMemoryBound(to: CChar.self))
    }
}
