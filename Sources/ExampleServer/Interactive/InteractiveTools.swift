public import MCPCore

/// Tools that ask the client while they run: the user (elicitation) or the client's model
/// (sampling). In the handshake era the question is a request over the session's stream; in
/// 2026-07-28 the call answers `input_required` and runs again with the answer — so each tool
/// does nothing it could not repeat before it has asked.
@Catalogue
public struct InteractiveTools: Sendable {
    let workspace: Workspace

    /// Interactive tools whose file actions are confined to `workspace`.
    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// Delete a file from the workspace, after the user confirms.
    /// - Parameter file_path: File relative to the workspace.
    @Tool(
        "delete_file", title: "Delete File",
        annotations: ToolAnnotations(readOnly: false, destructive: true, openWorld: false), scopes: ["mcp:write"])
    func deleteFile(file_path path: String, context: HandlerContext) async throws -> DeletionOutcome {
        let status = try workspace.status(path)
        guard status.kind != .directory else { throw ToolError("Is a folder: '\(Workspace.shown(path))'") }
        let answer = try await context.elicit("Delete '\(Workspace.shown(path))'?", as: Confirmation.self)
        guard case .accepted(let confirmation) = answer, confirmation.confirm else {
            return DeletionOutcome(file_path: path, deleted: false)
        }
        try workspace.remove(path)
        return DeletionOutcome(file_path: path, deleted: true)
    }

    /// Summarize a text with the client's own model.
    /// - Parameters:
    ///   - text: The text to summarize.
    ///   - max_words: About how many words the summary may have.
    @Tool("summarize_text", title: "Summarize Text", annotations: ToolAnnotations(readOnly: true, openWorld: true))
    func summarizeText(text: String, max_words maxWords: Int = 50, context: HandlerContext) async throws -> String {
        guard !text.isEmpty else { throw ToolError("text is empty") }
        guard (1...1000).contains(maxWords) else { throw ToolError("max_words must be between 1 and 1000") }
        return try await context.sample(
            "Summarize the following text in at most \(maxWords) words:\n\n\(text)",
            systemPrompt: "You write short, faithful summaries.", maxTokens: maxWords * 2 + 20)
    }
}

/// The answer to "delete this file?".
@Schema
public struct Confirmation: Sendable {
    /// True to delete the file.
    public var confirm: Bool
}

/// What `delete_file` did.
@Schema
public struct DeletionOutcome: Sendable {
    public var file_path: String
    public var deleted: Bool
}
