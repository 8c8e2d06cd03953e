/// A setting with a value that is not allowed. Printed as one line, and the process exits with
/// status 2.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The environment name of the setting (`LOG_LEVEL`).
    public let key: String
    /// The value that was refused, as given.
    public let value: String
    /// What would be accepted.
    public let allowed: String

    /// An error for `key` set to `value`, with what `allowed` would be accepted.
    public init(key: String, value: String, allowed: String) {
        self.key = key
        self.value = value
        self.allowed = allowed
    }

    /// The command-line flag of the settings that have one.
    static let flags: [String: String] = [
        "TRANSPORT": "--transport", "HOST": "--host", "PORT": "--port", "ENVIRONMENT": "--env",
        "LOG_LEVEL": "--log-level", "LOG_FORMAT": "--log-format", "WORKSPACE_DIR": "--workspace",
        "WORKERS": "--workers",
    ]

    /// `error: invalid KEY (--flag) value "…"; allowed: …`.
    public var description: String {
        let name = Self.flags[key].map { "\(key) (\($0))" } ?? key
        return "error: invalid \(name) value \"\(value)\"; allowed: \(allowed)"
    }
}
