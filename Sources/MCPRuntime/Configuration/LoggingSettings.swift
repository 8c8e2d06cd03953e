public import Logging

/// The log: how much, in which format, and whether each HTTP request gets a line.
///
/// | key | meaning |
/// | --- | --- |
/// | `LOG_LEVEL` | `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical` (default: `debug` in development, `info` otherwise) |
/// | `LOG_FORMAT` | `text` or `json` (default: `json` in production, `text` otherwise); a Python logging format string (the original's) means `text`, with a notice |
/// | `ACCESS_LOG` | one access-log line per HTTP request (default: true in production) |
public struct LoggingSettings: Sendable {
    /// How much is logged.
    public enum Level: String, Sendable, CaseIterable {
        /// The levels from most to least verbose, as `LOG_LEVEL` spells them.
        case trace, debug, info, notice, warning, error, critical

        /// The swift-log level of the same name.
        public var loggerLevel: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
    }

    /// How each log line is written.
    public enum Format: String, Sendable, CaseIterable {
        /// Human-readable lines, or one JSON object per line.
        case text, json
    }

    /// The lowest level logged (`LOG_LEVEL`).
    public var level = Level.info
    /// Text lines or JSON objects (`LOG_FORMAT`).
    public var format = Format.text
    /// One line per HTTP request (`ACCESS_LOG`).
    public var accessLog = false

    /// `info`, text lines, no access log.
    public init() {}

    /// - Parameters:
    ///   - environment: the defaults depend on it: `debug` in development, JSON and the access
    ///     log in production.
    ///   - notices: where a Python logging format in `LOG_FORMAT` is noted.
    package init(
        reading settings: SettingsReader, environment: ServerSettings.Environment, notices: inout [String]
    ) throws(ConfigurationError) {
        level = try settings.choice("LOG_LEVEL", default: environment == .development ? .debug : .info)
        let formatKey = "LOG_FORMAT"
        if let format = settings.string(formatKey), format.contains("%(") {
            // The original's LOG_FORMAT is a Python logging format string for its text lines.
            self.format = .text
            notices.append(
                "LOG_FORMAT is a Python logging format (the original's); this server writes its own text lines: "
                    + "using text (LOG_FORMAT=json for JSON)")
        } else {
            format = try settings.choice(formatKey, default: environment == .production ? .json : .text)
        }
        accessLog = try settings.bool("ACCESS_LOG", default: environment == .production)
    }
}
