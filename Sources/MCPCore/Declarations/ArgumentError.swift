/// An argument that does not fit the declared parameters. Reported to the client naming the
/// parameter, before the declared function runs.
public struct ArgumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case missing
        case unexpected
        case invalid(SchemaMismatch)
    }

    public var parameter: String
    public var kind: Kind

    public init(parameter: String, kind: Kind) {
        self.parameter = parameter
        self.kind = kind
    }

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
