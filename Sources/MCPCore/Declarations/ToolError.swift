/// An error a tool throws to tell the model what went wrong. Its message is shown to the client
/// as a tool execution error (`isError: true`); any other error thrown by a tool is reported with
/// a generic message and logged on the server only.
public struct ToolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text the model sees, as the result's one text block.
    public var message: String

    /// An error with `message`, which is sent to the client as it is: never put internals in it.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
