/// A JSON-RPC request id: a string or an integer, echoed exactly as it came
/// (`"1"` stays a string, `1` stays a number).
public enum JSONRPCID: Sendable, Hashable, CustomStringConvertible {
    /// An integer id.
    case int(Int)
    /// A string id.
    case string(String)

    /// The id of a JSON value, or nil when the value cannot be an id (null, fractions, objects…).
    public init?(json: JSONValue) {
        switch json {
        case .int(let value): self = .int(value)
        case .string(let value): self = .string(value)
        default: return nil
        }
    }

    /// The id as a JSON integer or string.
    public var json: JSONValue {
        switch self {
        case .int(let value): return .int(value)
        case .string(let value): return .string(value)
        }
    }

    /// The id for logs: integers bare, strings in double quotes.
    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        }
    }
}

extension JSONRPCID: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    /// An integer literal as an ``int(_:)`` id.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A string literal as a ``string(_:)`` id.
    public init(stringLiteral value: String) { self = .string(value) }
}
