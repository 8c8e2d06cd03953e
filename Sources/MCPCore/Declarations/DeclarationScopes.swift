/// A declaration a caller's OAuth scopes can hide: it is listed and served only to callers
/// whose token grants every scope in ``scopes``.
///
/// ```swift
/// @Tool("write_text_file", scopes: ["files:write"])
/// static func writeTextFile(path: String, content: String) throws -> String { … }
/// // or, by hand:
/// let tool = ToolDefinition(…).requiring(scopes: ["files:write"])
/// ```
public protocol ScopedDeclaration: Sendable {
    /// OAuth scopes a caller needs, all of them, to see and use the declaration; empty for none.
    var scopes: [String] { get set }
}

extension ScopedDeclaration {
    /// The same declaration, needing `scopes` (in addition to any it needed already).
    public func requiring(scopes needed: [String]) -> Self {
        var copy = self
        for scope in needed where !copy.scopes.contains(scope) { copy.scopes.append(scope) }
        return copy
    }
}

extension ToolDefinition: ScopedDeclaration {}
extension PromptDefinition: ScopedDeclaration {}
extension ResourceDefinition: ScopedDeclaration {}
