public import MCPCore
import MCPPlatform

/// A folder that file tools are confined to.
///
/// Every path is relative to the root and resolved component by component with `openat` and
/// `O_NOFOLLOW`, starting from a descriptor of the root: `..`, absolute paths and symbolic
/// links (also a linked parent folder) are refused before anything is opened, so a path can
/// never name something outside, whatever races happen on disk. Names are taken literally:
/// `%2e%2e` is a file called `%2e%2e`, not `..`. Reads refuse anything but regular files with
/// a single link (no FIFOs, devices, or hard links to outside files); writes go to a temporary
/// file that is renamed into place, so a crash never leaves a half-written file.
public struct Workspace: Sendable {
    /// Absolute, symlink-free path of the root (never shown to clients).
    public let root: String
    /// The largest file a read accepts, in bytes (`MAX_FILE_SIZE` in the example server).
    public let maxReadBytes: Int
    /// The largest content a write accepts, in bytes (`MAX_FILE_SIZE` in the example server).
    public let maxWriteBytes: Int
    /// Quota of the whole workspace (`WORKSPACE_MAX_BYTES`): file sizes plus 4 KiB per folder;
    /// nil for none. Checked before each write; workers writing at the same moment can pass it
    /// by at most one file each.
    public let maxTotalBytes: Int?

    /// Opens (creating it and its parents when missing) the workspace at `path`. The error of a
    /// folder that cannot be made names the path and the reason, in one line.
    public init(
        path: String, maxReadBytes: Int = 10 * 1024 * 1024, maxWriteBytes: Int = 10 * 1024 * 1024,
        maxTotalBytes: Int? = nil
    ) throws(ToolError) {
        if let failure = Self.makeFolders(path) {
            throw ToolError(
                "cannot create the workspace folder \(failure.path): \(SystemErrno.message(failure.code))")
        }
        guard let resolved = FileSystem.resolvedPath(path) else {
            throw ToolError("cannot open the workspace folder \(path): \(SystemErrno.currentMessage)")
        }
        root = resolved
        guard FileSystem.status(root)?.kind == .directory else {
            throw ToolError("cannot use the workspace folder \(path): not a folder")
        }
        self.maxReadBytes = maxReadBytes
        self.maxWriteBytes = maxWriteBytes
        self.maxTotalBytes = maxTotalBytes
    }

    /// `mkdir -p`: the folder that could not be made and why, or nil.
    static func makeFolders(_ path: String) -> (path: String, code: Int32)? {
        if FileSystem.makeDirectory(path, permissions: 0o755) || SystemErrno.current == SystemErrno.exists {
            return nil
        }
        guard SystemErrno.current == SystemErrno.notFound else { return (path, SystemErrno.current) }
        var parent = Substring(path)
        while parent.count > 1 && parent.hasSuffix("/") { parent = parent.dropLast() }
        guard let slash = parent.lastIndex(of: "/"), slash != parent.startIndex else {
            return (path, SystemErrno.notFound)
        }
        if let failure = makeFolders(String(parent[..<slash])) { return failure }
        if FileSystem.makeDirectory(path, permissions: 0o755) || SystemErrno.current == SystemErrno.exists {
            return nil
        }
        return (path, SystemErrno.current)
    }

    // MARK: Path handling

    /// The components of a relative path, without `.` and empty parts. Refuses what could leave
    /// the workspace or is not a usable name.
    static func components(of path: String) throws(ToolError) -> [String] {
        guard path.utf8.count <= 4096 else { throw ToolError("Path is too long") }
        guard !path.utf8.contains(0) else { throw ToolError("Path contains a NUL character") }
        guard !path.hasPrefix("/") else {
            throw ToolError("Absolute paths are not allowed; use a path inside the workspace")
        }
        var components: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            guard part != ".." else { throw ToolError("Path must not contain '..'") }
            guard part.utf8.count <= 255 else { throw ToolError("A path component is longer than 255 bytes") }
            components.append(String(part))
        }
        return components
    }

    /// A descriptor of the root folder.
    func openRoot() throws(ToolError) -> Int32 {
        let descriptor = Directories.openFolder(atPath: root)
        guard descriptor >= 0 else { throw ToolError("The workspace folder is not available") }
        return descriptor
    }

    /// Opens `components` as nested folders below `descriptor` without following links.
    /// With `create`, missing folders are made. Closes `descriptor`.
    func openFolders(
        _ components: ArraySlice<String>, from descriptor: Int32, create: Bool = false, shownAs path: String
    )
        throws(ToolError) -> Int32
    {
        var current = descriptor
        for component in components {
            var next = Directories.openFolder(component, in: current)
            if next < 0 && SystemErrno.current == SystemErrno.notFound && create {
                if !Directories.makeFolder(component, in: current, permissions: 0o755)
                    && SystemErrno.current != SystemErrno.exists
                {
                    Descriptors.close(current)
                    throw ToolError("Cannot create folder '\(Self.shown(path))'")
                }
                next = Directories.openFolder(component, in: current)
            }
            let failure = SystemErrno.current
            Descriptors.close(current)
            guard next >= 0 else { throw Self.error(failure, path) }
            current = next
        }
        return current
    }

    /// The folder holding the last component of `path`, and that component's name.
    func openParent(of path: String) throws(ToolError) -> (folder: Int32, name: String) {
        let components = try Self.components(of: path)
        guard let name = components.last else { throw ToolError("Path names the workspace folder itself, not a file") }
        let folder = try openFolders(components.dropLast(), from: try openRoot(), shownAs: path)
        return (folder, name)
    }

    /// A descriptor of the folder `path` ("" or "." is the root).
    func openFolder(_ path: String) throws(ToolError) -> Int32 {
        let components = try Self.components(of: path)
        return try openFolders(components[...], from: try openRoot(), shownAs: path)
    }

    /// A client-safe rendering of a path the client gave.
    static func shown(_ path: String) -> String { LogSafe.escape(LogSafe.clip(path, to: 200)) }

    static func error(_ code: Int32, _ path: String) -> ToolError {
        switch code {
        case SystemErrno.notFound: return ToolError("Not found: '\(shown(path))'")
        case SystemErrno.symbolicLinkLoop, SystemErrno.tooManyLinks:
            return ToolError("Symbolic links are not followed: '\(shown(path))'")
        case SystemErrno.notADirectory: return ToolError("Not a folder (or a link to one): '\(shown(path))'")
        case SystemErrno.accessDenied, SystemErrno.notPermitted: return ToolError("Permission denied: '\(shown(path))'")
        case SystemErrno.exists: return ToolError("Already exists: '\(shown(path))'")
        case SystemErrno.isADirectory: return ToolError("Is a folder: '\(shown(path))'")
        case SystemErrno.nameTooLong: return ToolError("Path is too long")
        default: return ToolError("Cannot access '\(shown(path))' (errno \(code))")
        }
    }
}
