public import MCPCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension Workspace {
    /// Removes the regular file (or link) at `path`; the link itself, never what it points to.
    /// Folders are not removed.
    public func remove(_ path: String) throws(ToolError) {
        let (folder, name) = try openParent(of: path)
        defer { close(folder) }
        var info = stat()
        guard fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { throw Self.error(errno, path) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw Self.error(EISDIR, path) }
        guard unlinkat(folder, name, 0) == 0 else { throw Self.error(errno, path) }
    }
}
