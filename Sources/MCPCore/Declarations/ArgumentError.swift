/// An argument that does not fit the declared parameters. Reported to the client naming the
/// parameter, before the declared function runs.
public struct ArgumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the argument.
    public enum Kind: Sendable, Equatable {
        /// A required parameter has no argument.
        case missing
        /// An argument for a parameter the tool does not declare.
        case unexpected
        /// An argument that does not fit its parameter's schema.
        case invalid(SchemaMismatch)
    }

    /// The parameter's name as the client sends it (or the unexpected argument's name).
    public var parameter: String
    /// What is wrong with it.
    public var kind: Kind

    /// An error for the argument `parameter`.
    public init(parameter: String, kind: Kind) {
        self.parameter = parameter
        self.kind = kind
    }

    /// The message the client sees, such as `Invalid argument 'numbers[2]': expected number, got string`.
    public var description: String {
        let name = LogSafe.escape(LogSafe.clip(parameter, to: 64))
        switch kind {
        case .missing: return "Missing required argument '\(name)'"
        case .unexpected: return "Unexpected argument '\(name)'"
        case .invalid(let mismatch):
            let location =
                mismatch.path.isEmpty
                ? name
                : name + (mismatch.path.first!.hasPrefix("[") ? "" : ".")
                    + mismatch.location
            return "Invalid argument '\(location)': \(mismatch.problem)"
        }
    }
}
