/// An error a tool throws to tell the model what went wrong. Its message is shown to the client
/// as a tool execution error (`isError: true`); any other error thrown by a tool is reported with
/// a generic message and logged on the server only.
public struct ToolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
