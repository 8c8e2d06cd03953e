/// A JSON value that does not fit the schema of the Swift type it should become.
public struct SchemaMismatch: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the value the problem is: property names and array indices, outermost first.
    public var path: [String]
    /// What is wrong, in words for the caller: `expected integer, got string`.
    public var problem: String

    /// A mismatch at `path` (empty for the value itself).
    public init(path: [String] = [], problem: String) {
        self.path = path
        self.problem = problem
    }

    /// A type mismatch: `expected <expected>, got <JSON type of value>`, at the value itself.
    public static func expected(_ expected: String, got value: JSONValue) -> SchemaMismatch {
        SchemaMismatch(problem: "expected \(expected), got \(value.typeName)")
    }

    /// The same mismatch, one level further out.
    public func inside(_ component: String) -> SchemaMismatch {
        SchemaMismatch(path: [component] + path, problem: problem)
    }

    /// `numbers[2]`, `user.name`
    public var location: String {
        var text = ""
        for component in path {
            if component.hasPrefix("[") {
                text += component
            } else {
                text += text.isEmpty ? component : "." + component
            }
        }
        return text
    }

    /// `location: problem`, or only the problem when the mismatch is at the value itself.
    public var description: String { path.isEmpty ? problem : "\(location): \(problem)" }
}
