/// A setting with a value that is not allowed. Printed as one line, and the process exits with
/// status 2.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The environment name of the setting (`LOG_LEVEL`).
    public let key: String
    public let value: String
    /// What would be accepted.
    public let allowed: String

    public init(key: String, value: String, allowed: String) {
        self.key = key
        self.value = value
        self.allowed = allowed
    }

    public var description: String {
        let flag = "--" + String(key.lowercased().map { $0 == "_" ? "-" : $0 })
        return "error: invalid \(key) (\(flag)) value \"\(value)\"; allowed: \(allowed)"
    }
}
