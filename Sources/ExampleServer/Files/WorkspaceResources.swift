public import MCPCore

/// The workspace's files as resources: `file:///{+path}` reads a UTF-8 file of the workspace,
/// and a subscriber hears `notifications/resources/updated` when the file changes (its size or
/// modification time, looked at every second).
public struct WorkspaceResources: Catalogue {
    let workspace: Workspace

    /// The resources of `workspace`'s files.
    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    static let prefix = "file:///"

    /// The `file:///{+path}` template, watched for changes through its fingerprint.
    public var resources: [ResourceDefinition] {
        let workspace = workspace
        var file = ResourceDefinition(
            uri: Self.prefix + "{+path}", name: "workspace-file", title: "Workspace File",
            description: "A UTF-8 text file of the workspace, by its path relative to the workspace",
            mimeType: "text/plain", output: String.self
        ) { uri, _, _ in
            let bytes = try workspace.read(try Self.path(of: uri))
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ToolError("not a UTF-8 text file")
            }
            return text
        }
        file.fingerprint = { uri in
            guard let path = try? Self.path(of: uri), let status = try? workspace.status(path) else { return nil }
            return "\(status.size)-\(status.modifiedSeconds)-\(status.modifiedNanoseconds)"
        }
        return [file]
    }

    /// The workspace path a `file:///` URI names.
    static func path(of uri: String) throws -> String {
        guard uri.hasPrefix(prefix), let path = URITemplate(prefix + "{+path}")?.match(uri)?["path"] else {
            throw ResourceNotFound()
        }
        return path
    }
}
