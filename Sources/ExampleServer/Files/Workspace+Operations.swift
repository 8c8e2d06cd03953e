public import MCPCore
import MCPPlatform

/// What `stat` says about one entry, in client terms.
public struct EntryStatus: Sendable {
    /// What the entry is; a symbolic link is reported as one, never followed.
    public enum Kind: String, Sendable { case file, directory, symlink, other }

    /// What the entry is.
    public var kind: Kind
    /// The size in bytes.
    public var size: Int
    /// The modification time, in whole seconds since 1970.
    public var modifiedSeconds: Int
    /// The fraction of the modification time, in nanoseconds.
    public var modifiedNanoseconds: Int
    /// The permission bits, such as `0o644` (setuid, setgid and sticky included).
    public var permissions: Int

    init(_ status: FileStatus) {
        switch status.kind {
        case .regular: kind = .file
        case .directory: kind = .directory
        case .symbolicLink: kind = .symlink
        case .other: kind = .other
        }
        size = status.size
        modifiedSeconds = status.modifiedSeconds
        modifiedNanoseconds = status.modifiedNanoseconds
        permissions = status.permissions
    }
}

extension Workspace {
    /// The bytes of the regular file at `path`, up to ``maxReadBytes`` and `resultLimit` (the
    /// size is checked before anything is read).
    public func read(_ path: String, resultLimit: Int = .max) throws(ToolError) -> [UInt8] {
        let (folder, name) = try openParent(of: path)
        let descriptor = Directories.openForReading(name, in: folder)
        let failure = SystemErrno.current
        Descriptors.close(folder)
        guard descriptor >= 0 else { throw Self.error(failure, path) }
        defer { Descriptors.close(descriptor) }
        guard let info = Directories.status(ofDescriptor: descriptor) else {
            throw Self.error(SystemErrno.current, path)
        }
        guard info.kind == .regular else {
            throw ToolError(
                info.kind == .directory
                    ? "Is a folder: '\(Self.shown(path))'" : "Not a regular file: '\(Self.shown(path))'")
        }
        guard info.linkCount == 1 else {
            throw ToolError("Files with several hard links are not read: '\(Self.shown(path))'")
        }
        guard info.size <= maxReadBytes else {
            throw ToolError("File is larger than the \(maxReadBytes)-byte read limit: '\(Self.shown(path))'")
        }
        guard info.size <= resultLimit else {
            throw ToolError(
                "File is larger than the \(resultLimit)-byte result limit (MAX_RESULT_SIZE): '\(Self.shown(path))'")
        }
        var bytes = [UInt8](repeating: 0, count: info.size)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes {
                Descriptors.read(descriptor, $0.baseAddress! + offset, $0.count - offset, at: offset)
            }
            if count < 0 && SystemErrno.current == SystemErrno.interrupted { continue }
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
        defer { Descriptors.close(folder) }
        var replacedBytes = 0
        if let existing = Directories.status(of: name, in: folder) {
            guard existing.kind == .regular else {
                throw ToolError("Not a regular file, not replaced: '\(Self.shown(path))'")
            }
            guard overwrite else {
                throw ToolError("File already exists: '\(Self.shown(path))' (pass overwrite=true to replace it)")
            }
            replacedBytes = existing.size
        }
        try checkQuota(adding: bytes.count - replacedBytes)
        var generator = SystemRandomNumberGenerator()
        let temporary = ".tmp-\(String(generator.next(), radix: 36))"
        let descriptor = Directories.createFile(temporary, in: folder, permissions: 0o644)
        guard descriptor >= 0 else { throw Self.error(SystemErrno.current, path) }
        var offset = 0
        var failure: Int32 = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes {
                Descriptors.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            if count < 0 {
                if SystemErrno.current == SystemErrno.interrupted { continue }
                failure = SystemErrno.current
                break
            }
            offset += count
        }
        if failure == 0 && Descriptors.synchronize(descriptor) != 0 { failure = SystemErrno.current }
        Descriptors.close(descriptor)
        if failure == 0 {
            if overwrite {
                if !Directories.rename(temporary, to: name, in: folder) { failure = SystemErrno.current }
            } else {
                // link() fails if the name exists: no race between the check and the write.
                if !Directories.link(temporary, as: name, in: folder) { failure = SystemErrno.current }
            }
        }
        Directories.remove(temporary, in: folder)
        guard failure == 0 else {
            throw failure == SystemErrno.exists
                ? ToolError("File already exists: '\(Self.shown(path))' (pass overwrite=true to replace it)")
                : Self.error(failure, path)
        }
    }

    /// The entries of the folder at `path`, sorted by name.
    public func list(_ path: String) throws(ToolError) -> [(name: String, status: EntryStatus)] {
        let folder = try openFolder(path)
        var entries: [(name: String, status: EntryStatus)] = []
        let opened = Directories.forEachEntry(in: folder) { name, folder in
            if name == "." || name == ".." || name.hasPrefix(".tmp-") { return true }
            guard let info = Directories.status(of: name, in: folder) else { return true }
            entries.append((name, EntryStatus(info)))
            return entries.count < 10_000
        }
        guard opened else { throw Self.error(SystemErrno.current, path) }
        return entries.sorted { $0.name < $1.name }
    }

    /// What `stat` says about `path` itself (a link is reported as a link, not followed).
    public func status(_ path: String) throws(ToolError) -> EntryStatus {
        let components = try Self.components(of: path)
        guard let name = components.last else {
            guard let info = FileSystem.status(root) else { throw Self.error(SystemErrno.current, path) }
            return EntryStatus(info)
        }
        let folder = try openFolders(components.dropLast(), from: try openRoot(), shownAs: path)
        defer { Descriptors.close(folder) }
        guard let info = Directories.status(of: name, in: folder) else { throw Self.error(SystemErrno.current, path) }
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
        defer { Descriptors.close(parent) }
        if Directories.makeFolder(components.last!, in: parent, permissions: 0o755) { return true }
        let failure = SystemErrno.current
        if failure == SystemErrno.exists, Directories.status(of: components.last!, in: parent)?.kind == .directory {
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
        let opened = try Directories.forEachEntry(in: descriptor) { name, folder throws(ToolError) -> Bool in
            if name == "." || name == ".." { return true }
            entries += 1
            guard entries <= Self.maxQuotaEntries else {
                throw ToolError("The workspace holds more than \(Self.maxQuotaEntries) entries; writes are refused")
            }
            guard let info = Directories.status(of: name, in: folder) else { return true }
            switch info.kind {
            case .regular: total += info.size
            case .directory:
                total += Self.folderBytes
                let child = Directories.openFolder(name, in: folder)
                if child >= 0 { try walk(child, total: &total, entries: &entries) }
            default: break
            }
            return true
        }
        guard opened else { throw ToolError("Cannot read the workspace to check its quota") }
    }
}
