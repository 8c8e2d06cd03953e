public import MCPCore
import MCPPlatform

extension Workspace {
    /// Removes the regular file (or link) at `path`; the link itself, never what it points to.
    /// Folders are not removed.
    public func remove(_ path: String) throws(ToolError) {
        let (folder, name) = try openParent(of: path)
        defer { Descriptors.close(folder) }
        guard let info = Directories.status(of: name, in: folder) else { throw Self.error(SystemErrno.current, path) }
        guard info.kind != .directory else { throw Self.error(SystemErrno.isADirectory, path) }
        guard Directories.remove(name, in: folder) else { throw Self.error(SystemErrno.current, path) }
    }
}
