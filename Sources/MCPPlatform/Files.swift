import Synchronization

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What `stat` says about a file, in platform-neutral fields (Darwin's `struct stat` names the
/// modification time `st_mtimespec`, Linux's `st_mtim`; the integer widths differ too).
package struct FileStatus: Sendable, Equatable {
    package enum Kind: Sendable, Equatable { case regular, directory, symbolicLink, other }

    package var kind: Kind
    package var size: Int
    package var modifiedSeconds: Int
    /// The fraction of the modification time, in nanoseconds.
    package var modifiedNanoseconds: Int
    /// The permission, set-id and sticky bits (`st_mode & 0o7777`).
    package var permissions: Int
    /// Hard links to the file.
    package var linkCount: Int
    /// The owner's user id.
    package var owner: UInt32

    init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        size = Int(info.st_size)
        #if canImport(Darwin)
            modifiedSeconds = Int(info.st_mtimespec.tv_sec)
            modifiedNanoseconds = Int(info.st_mtimespec.tv_nsec)
        #else
            modifiedSeconds = Int(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        #endif
        permissions = Int(info.st_mode & 0o7777)
        linkCount = Int(info.st_nlink)
        owner = UInt32(info.st_uid)
    }
}

/// Paths: folders, removal, status, resolution. Failures leave ``SystemErrno/current`` set.
package enum FileSystem {
    /// `mkdir`: true when the folder was made (false with `EEXIST` when something is there).
    package static func makeDirectory(_ path: String, permissions: Int) -> Bool {
        mkdir(path, mode_t(permissions)) == 0
    }

    /// `mkdtemp`: creates a folder named `template` with its trailing `XXXXXX` replaced by a name
    /// nobody can predict, atomically (an existing one is an error), mode 0700. Its path, or nil.
    package static func makeUniqueDirectory(_ template: String) -> String? {
        var bytes = Array(template.utf8CString)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
    }

    /// `unlink`: true when the name was removed.
    @discardableResult
    package static func remove(_ path: String) -> Bool {
        unlink(path) == 0
    }

    /// `rename`: true when `path` now has the content `source` had.
    package static func rename(_ source: String, to path: String) -> Bool {
        #if canImport(Darwin)
            return Darwin.rename(source, path) == 0
        #elseif canImport(Glibc)
            return Glibc.rename(source, path) == 0
        #elseif canImport(Musl)
            return Musl.rename(source, path) == 0
        #endif
    }

    /// `stat` (following a link) or `lstat` (the link itself); nil when it fails.
    package static func status(_ path: String, followingLinks: Bool = true) -> FileStatus? {
        var info = stat()
        let result = followingLinks ? stat(path, &info) : lstat(path, &info)
        return result == 0 ? FileStatus(info) : nil
    }

    /// `access(W_OK | X_OK)`: whether this process may create entries in the folder `path`.
    package static func canWriteAndSearch(_ path: String) -> Bool {
        access(path, W_OK | X_OK) == 0
    }

    /// `realpath`: the absolute path without links, `.` or `..`; nil when it fails.
    package static func resolvedPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The text of a small file (a kernel file under `/proc` or `/sys`), decoded as UTF-8; nil
    /// when it cannot be opened. Kernel files report no size, so it reads until end of file.
    static func readText(_ path: String, limit: Int = 4 << 20) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { Descriptors.close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { Descriptors.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The names in the folder `path` (without `.` and `..`); nil when it cannot be opened.
    static func names(in path: String) -> [String]? {
        let folder = Directories.openFolder(atPath: path)
        guard folder >= 0 else { return nil }
        var names: [String] = []
        let listed = Directories.forEachEntry(in: folder) { name, _ in
            if name != "." && name != ".." { names.append(name) }
            return true
        }
        return listed ? names : nil
    }
}

/// Reads and writes the small files of a private folder without following symbolic links:
/// a link planted in the folder makes the operation fail instead of redirecting it. Writes go
/// to a new temporary file (created exclusively, mode 0600) that is renamed into place, so a
/// reader sees the old or the new content, never half of it.
package enum PrivateFile {
    private static let serial = Atomic<Int>(0)

    /// Replaces `path` with `bytes`; false when it could not.
    @discardableResult
    package static func write(_ bytes: some Collection<UInt8>, to path: String) -> Bool {
        let number = serial.wrappingAdd(1, ordering: .relaxed).newValue
        let temporary = "\(path).tmp-\(getpid())-\(number)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        let content = Array(bytes)
        var offset = 0
        while offset < content.count {
            let count = content.withUnsafeBytes {
                Descriptors.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            offset += count
        }
        Descriptors.close(descriptor)
        guard offset == content.count, FileSystem.rename(temporary, to: path) else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// Replaces `path` with `text`.
    @discardableResult
    package static func write(_ text: String, to path: String) -> Bool { write(text.utf8, to: path) }

    /// The content of the regular file `path` (up to `limit` bytes); nil when it is missing, a
    /// link or not a regular file.
    package static func read(_ path: String, limit: Int = 64 << 20) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { Descriptors.close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { Descriptors.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<min(count, limit - bytes.count)]
        }
        return bytes
    }

    /// The text of `path`, decoded as UTF-8.
    package static func readText(_ path: String) -> String? {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
