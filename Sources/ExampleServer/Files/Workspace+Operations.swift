public import MCPCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `stat` says about one entry, in client terms.
public struct EntryStatus: Sendable {
    public enum Kind: String, Sendable { case file, directory, symlink, other }

    public var kind: Kind
    public var size: Int
    public var modifiedSeconds: Int
    /// The fraction of the modification time, in nanoseconds.
    public var modifiedNanoseconds: Int
    public var permissions: Int

    init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        size = Int(info.st_size)
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        permissions = Int(info.st_mode & 0o7777)
    }
}

extension Workspace {
    /// The bytes of the regular file at `path`, up to ``maxReadBytes`` and `resultLimit` (the
    /// size is checked before anything is read).
    public func read(_ path: String, resultLimit: Int = .max) throws(ToolError) -> [UInt8] {
        let (folder, name) = try openParent(of: path)
        let descriptor = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        let failure = errno
        close(folder)
        guard descriptor >= 0 else { throw Self.error(failure, path) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Self.error(errno, path) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ToolError(
                info.st_mode & S_IFMT == S_IFDIR
                    ? "Is a folder: '\(Self.shown(path))'" : "Not a regular file: '\(Self.shown(path))'")
        }
        guard info.st_nlink == 1 else {
            throw ToolError("Files with several hard links are not read: '\(Self.shown(path))'")
        }
        guard Int(info.st_size) <= maxReadBytes else {
            throw ToolError("File is larger than the \(maxReadBytes)-byte read limit: '\(Self.shown(path))'")
        }
        guard Int(info.st_size) <= resultLimit else {
            throw ToolError(
                "File is larger than the \(resultLimit)-byte result limit (MAX_RESULT_SIZE): '\(Self.shown(path))'")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + offset, $0.count - offset, off_t(offset))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            offset += count
        }
        return Array(bytes[0..<offset])
    }

    /// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed, then
    /// renamed over the target (or linked into place when it must not exist yet).
    public func write(_ bytes: [UInt8], to path: String, overwrite: Bool) throws(ToolError) {
        guard bytes.count <= maxWriteBytes else {
            throw ToolError("Content is larger than the \(maxWriteBytes)-byte write limit")
        }
        let (folder, name) = try openParent(of: path)
        defer { close(folder) }
        var existing = stat()
        var replacedBytes = 0
        if fstatat(folder, name, &existing, AT_SYMLINK_NOFOLLOW) == 0 {
            guard existing.st_mode & S_IFMT == S_IFREG else {
                throw ToolError("Not a regular file, not replaced: '\(Self.shown(path))'")
            }
            guard overwrite else {
                throw ToolError("File already exists: '\(Self.shown(path))' (pass overwrite=true to replace it)")
            }
            replacedBytes = Int(existing.st_size)
        }
        try checkQuota(adding: bytes.count - replacedBytes)
        var generator = SystemRandomNumberGenerator()
        let temporary = ".tmp-\(String(generator.next(), radix: 36))"
        let descriptor = openat(folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.error(errno, path) }
        var offset = 0
        var failure: Int32 = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            offset += count
        }
        if failure == 0 && fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        if failure == 0 {
            if overwrite {
                if renameat(folder, temporary, folder, name) != 0 { failure = errno }
            } else {
                // link() fails if the name exists: no race between the check and the write.
                if linkat(folder, temporary, folder, name, 0) != 0 { failure = errno }
            }
        }
        unlinkat(folder, temporary, 0)
        guard failure == 0 else {
            throw failure == EEXIST
                ? ToolError("File already exists: '\(Self.shown(path))' (pass overwrite=true to replace it)")
                : Self.error(failure, path)
        }
    }

    /// The entries of the folder at `path`, sorted by name.
    public func list(_ path: String) throws(ToolError) -> [(name: String, status: EntryStatus)] {
        let folder = try openFolder(path)
        guard let stream = fdopendir(folder) else {
            close(folder)
            throw Self.error(errno, path)
        }
        defer { closedir(stream) }
        var entries: [(name: String, status: EntryStatus)] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." || name.hasPrefix(".tmp-") { continue }
            var info = stat()
            guard fstatat(dirfd(stream), name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            entries.append((name, EntryStatus(info)))
            if entries.count >= 10_000 { break }
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// What `stat` says about `path` itself (a link is reported as a link, not followed).
    public func status(_ path: String) throws(ToolError) -> EntryStatus {
        let components = try Self.components(of: path)
        guard let name = components.last else {
            var info = stat()
            guard stat(root, &info) == 0 else { throw Self.error(errno, path) }
            return EntryStatus(info)
        }
        let folder = try openFolders(components.dropLast(), from: try openRoot(), shownAs: path)
        defer { close(folder) }
        var info = stat()
        guard fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { throw Self.error(errno, path) }
        return EntryStatus(info)
    }

    /// Creates the folder `path` and any missing parents. Returns false when it already existed.
    @discardableResult
    public func createFolder(_ path: String) throws(ToolError) -> Bool {
        let components = try Self.components(of: path)
        guard !components.isEmpty else {
            throw ToolError("Name a folder inside the workspace, not the workspace itself")
        }
        try checkQuota(adding: components.count * Self.folderBytes)
        let parent = try openFolders(components.dropLast(), from: try openRoot(), create: true, shownAs: path)
        defer { close(parent) }
        if mkdirat(parent, components.last!, 0o755) == 0 { return true }
        let failure = errno
        var info = stat()
        if failure == EEXIST, fstatat(parent, components.last!, &info, AT_SYMLINK_NOFOLLOW) == 0,
            info.st_mode & S_IFMT == S_IFDIR
        {
            return false
        }
        throw Self.error(failure, path)
    }
}

extension Workspace {
    /// What a folder counts for in the quota.
    static let folderBytes = 4096
    /// Entries the quota walk visits at most; a workspace with more refuses writes.
    static let maxQuotaEntries = 100_000

    /// Refuses a write that would take the workspace past ``maxTotalBytes``.
    func checkQuota(adding bytes: Int) throws(ToolError) {
        guard let maxTotalBytes else { return }
        let used = try usage()
        guard used + bytes <= maxTotalBytes else {
            throw ToolError(
                "The workspace quota of \(maxTotalBytes) bytes would be exceeded (\(used) bytes used); "
                    + "delete files or raise WORKSPACE_MAX_BYTES")
        }
    }

    /// Bytes the workspace uses: sizes of regular files plus ``folderBytes`` per folder; links
    /// are not followed.
    public func usage() throws(ToolError) -> Int {
        var total = 0
        var entries = 0
        try walk(try openRoot(), total: &total, entries: &entries)
        return total
    }

    /// Adds up the folder `descriptor` (which it closes) and everything below it.
    private func walk(_ descriptor: Int32, total: inout Int, entries: inout Int) throws(ToolError) {
        guard let stream = fdopendir(descriptor) else {
            close(descriptor)
            throw ToolError("Cannot read the workspace to check its quota")
        }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            entries += 1
            guard entries <= Self.maxQuotaEntries else {
                throw ToolError("The workspace holds more than \(Self.maxQuotaEntries) entries; writes are refused")
            }
            var info = stat()
            guard fstatat(dirfd(stream), name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG: total += Int(info.st_size)
            case S_IFDIR:
                total += Self.folderBytes
                let child = openat(dirfd(stream), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if child >= 0 { try walk(child, total: &total, entries: &entries) }
            default: continue
            }
        }
    }
}

private func systemWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}
