public import MCPCore

/// File tools confined to a ``Workspace``: nothing outside it can be read, written or listed.
/// Under OAuth, the tools that change the workspace need the `mcp:write` scope (as does
/// `delete_file`): a token without it neither sees nor calls them (`OAUTH_INSUFFICIENT_SCOPE`).
@Catalogue
public struct FileTools: Sendable {
    let workspace: Workspace

    /// File tools confined to `workspace`.
    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// List the files and folders in a workspace folder (one level).
    /// - Parameter directory_path: Folder relative to the workspace; "." is the workspace itself.
    @Tool("list_directory", title: "List Directory", annotations: .readOnlyLocal)
    func listDirectory(directory_path path: String = ".") throws -> DirectoryListing {
        let entries = try workspace.list(path)
        return DirectoryListing(
            files: entries.filter { $0.status.kind == .file }.map(\.name),
            directories: entries.filter { $0.status.kind == .directory }.map(\.name),
            path: path
        )
    }

    /// Read a UTF-8 text file from the workspace.
    /// - Parameter file_path: File relative to the workspace.
    @Tool("read_text_file", title: "Read Text File", annotations: .readOnlyLocal)
    func readTextFile(file_path path: String, context: HandlerContext) throws -> TextFileContent {
        let bytes = try workspace.read(path, resultLimit: context.maxResultBytes)
        guard let content = String(validating: bytes, as: UTF8.self) else {
            throw ToolError("File \(Workspace.shown(path)) is not a valid UTF-8 text file")
        }
        return TextFileContent(
            content: content, file_path: path, size_bytes: bytes.count,
            lines: content.utf8.count { $0 == UInt8(ascii: "\n") } + 1)
    }

    /// Write a text file in the workspace, atomically. Missing parent folders are created.
    /// - Parameters:
    ///   - file_path: File relative to the workspace.
    ///   - content: The text to write (UTF-8).
    ///   - overwrite: Replace the file if it exists.
    @Tool(
        "write_text_file", title: "Write Text File",
        annotations: ToolAnnotations(readOnly: false, destructive: true, idempotent: true, openWorld: false),
        scopes: ["mcp:write"])
    func writeTextFile(file_path path: String, content: String, overwrite: Bool = false) throws -> WriteResult {
        guard content.utf8.count <= workspace.maxWriteBytes else {
            throw ToolError("Content is larger than the \(workspace.maxWriteBytes)-byte write limit")
        }
        let bytes = Array(content.utf8)
        try createParents(of: path)
        try workspace.write(bytes, to: path, overwrite: overwrite)
        return WriteResult(
            message: "Successfully wrote to \(Workspace.shown(path))", file_path: path, size_bytes: bytes.count,
            lines: content.utf8.count { $0 == UInt8(ascii: "\n") } + 1)
    }

    /// Read and parse a JSON file from the workspace.
    /// - Parameter file_path: File relative to the workspace.
    @Tool("read_json_file", title: "Read JSON File", annotations: .readOnlyLocal)
    func readJSONFile(file_path path: String, context: HandlerContext) throws -> JSONFileContent {
        let bytes = try workspace.read(path, resultLimit: context.maxResultBytes)
        do {
            let data = try JSONParser.parse(bytes, maxDepth: 128)
            return JSONFileContent(data: data, file_path: path, size_bytes: bytes.count)
        } catch {
            throw ToolError("Invalid JSON in file \(Workspace.shown(path)): \(error)")
        }
    }

    /// Write JSON data to a file in the workspace, atomically and pretty-printed. A key that
    /// appears twice in an object is written once, with its last value.
    /// - Parameters:
    ///   - file_path: File relative to the workspace.
    ///   - data: The JSON value to write.
    ///   - overwrite: Replace the file if it exists.
    ///   - indent: Spaces per indentation level (0 to 8).
    @Tool(
        "write_json_file", title: "Write JSON File",
        annotations: ToolAnnotations(readOnly: false, destructive: true, idempotent: true, openWorld: false),
        scopes: ["mcp:write"])
    func writeJSONFile(
        file_path path: String, data: JSONValue, overwrite: Bool = false, indent: Int = 2
    ) throws
        -> WriteResult
    {
        guard (0...8).contains(indent) else { throw ToolError("indent must be between 0 and 8") }
        // The size is known before a byte is built: indentation can multiply a small request.
        guard let bytes = JSONWriter.pretty(data.uniquingKeys(), indent: indent, limit: workspace.maxWriteBytes) else {
            throw ToolError(
                "The JSON text would be larger than the \(workspace.maxWriteBytes)-byte write limit (MAX_FILE_SIZE)")
        }
        try createParents(of: path)
        try workspace.write(bytes, to: path, overwrite: overwrite)
        return WriteResult(
            message: "Successfully wrote JSON to \(Workspace.shown(path))", file_path: path, size_bytes: bytes.count)
    }

    /// Information about a file or folder in the workspace. Links are reported, not followed.
    /// - Parameter file_path: Path relative to the workspace.
    @Tool("file_info", title: "File Info", annotations: .readOnlyLocal)
    func fileInfo(file_path path: String) throws -> FileInfo {
        let status = try workspace.status(path)
        let components = try Workspace.components(of: path)
        return FileInfo(
            path: path, name: components.last ?? ".", type: status.kind.rawValue, size_bytes: status.size,
            modified: Double(status.modifiedSeconds), permissions: String(status.permissions, radix: 8), exists: true)
    }

    /// Create a folder (and missing parents) in the workspace.
    /// - Parameter directory_path: Folder relative to the workspace.
    @Tool(
        "create_directory", title: "Create Directory",
        annotations: ToolAnnotations(readOnly: false, destructive: false, idempotent: true, openWorld: false),
        scopes: ["mcp:write"])
    func createDirectory(directory_path path: String) throws -> DirectoryCreated {
        let created = try workspace.createFolder(path)
        let shown = Workspace.shown(path)
        return DirectoryCreated(
            message: created ? "Directory \(shown) created successfully" : "Directory \(shown) already exists",
            path: path)
    }

    private func createParents(of path: String) throws(ToolError) {
        let components = try Workspace.components(of: path)
        guard components.count > 1 else { return }
        try workspace.createFolder(components.dropLast().joined(separator: "/"))
    }
}

/// The entries of one folder.
@Schema
struct DirectoryListing: Sendable {
    /// Regular files, sorted by name.
    var files: [String]
    /// Folders, sorted by name.
    var directories: [String]
    /// The folder, as requested.
    var path: String
}

/// A text file's content.
@Schema
struct TextFileContent: Sendable {
    var content: String
    var file_path: String
    var size_bytes: Int
    var lines: Int
}

/// A parsed JSON file.
@Schema
struct JSONFileContent: Sendable {
    var data: JSONValue
    var file_path: String
    var size_bytes: Int
}

/// What a write did.
@Schema
public struct WriteResult: Sendable {
    public var message: String
    public var file_path: String
    public var size_bytes: Int
    /// Lines written (text files only).
    public var lines: Int?
}

/// Facts about one workspace entry.
@Schema
struct FileInfo: Sendable {
    var path: String
    var name: String
    /// file, directory, symlink or other.
    var type: String
    var size_bytes: Int
    /// Last modification, seconds since 1970.
    var modified: Double
    /// Permission bits, octal.
    var permissions: String
    var exists: Bool
}

/// The result of create_directory.
@Schema
struct DirectoryCreated: Sendable {
    var message: String
    var path: String
}
