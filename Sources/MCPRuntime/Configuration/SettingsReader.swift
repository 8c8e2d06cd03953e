package import Configuration
import Foundation
import Synchronization

/// Reads typed settings by their environment name (`LOG_LEVEL`) from a layered configuration:
/// command-line flags, then the environment, then a `.env` file, then the default. The Python
/// original's names are read as their new names (``OriginalNames``).
package struct SettingsReader: Sendable {
    let reader: ConfigReader
    private let log = KeyLog()
    /// What reading the sources noticed, one line each: the original's names, found and renamed.
    package let notices: [String]
    /// The process environment the layers were built from (for defaults that depend on `HOME`).
    let environment: [String: String]
    /// The keys the `.env` file set, and its path: keys no setting reads get a notice.
    let fileKeys: Set<String>
    let filePath: String?

    /// Reads from `reader` as it is, with the process environment for defaults that depend on it.
    package init(reader: ConfigReader) {
        self.init(reader: reader, notices: [], environment: ProcessInfo.processInfo.environment)
    }

    init(
        reader: ConfigReader, notices: [String], environment: [String: String], fileKeys: Set<String> = [],
        filePath: String? = nil
    ) {
        self.reader = reader
        self.notices = notices
        self.environment = environment
        self.fileKeys = fileKeys
        self.filePath = filePath
    }

    /// Every setting name read so far (for documentation checks).
    package var keysRead: Set<String> { log.keys.withLock { $0 } }

    /// Flags (by environment name) over `environment` over the `.env` file at `dotEnvPath`.
    package static func layered(
        flags: [String: String], environment: [String: String]? = nil, dotEnvPath: String? = ".env",
        defaults: [String: String] = [:]
    ) async throws -> SettingsReader {
        let environment = environment ?? ProcessInfo.processInfo.environment
        var notices: [String] = []
        var flagValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for (name, value) in flags {
            flagValues[AbsoluteConfigKey(key(for: name))] = ConfigValue(.string(value), isSecret: false)
        }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flagValues),
            EnvironmentVariablesProvider(
                environmentVariables: OriginalNames.translate(
                    environment, source: "in the environment", notices: &notices)),
        ]
        var fileKeys: Set<String> = []
        if let dotEnvPath {
            let file = try EnvironmentFile.variables(atPath: dotEnvPath)
            fileKeys = Set(file.keys)
            providers.append(
                EnvironmentVariablesProvider(
                    environmentVariables: OriginalNames.translate(file, source: "in \(dotEnvPath)", notices: &notices)))
        }
        if !defaults.isEmpty {
            // The server's own defaults (ServerDefinition.defaults): below everything the user sets.
            providers.append(EnvironmentVariablesProvider(environmentVariables: defaults))
        }
        return SettingsReader(
            reader: ConfigReader(providers: providers), notices: notices, environment: environment,
            fileKeys: fileKeys, filePath: dotEnvPath)
    }

    /// One notice per key of the `.env` file that no setting read so far (call after reading them all).
    package func unknownKeyNotices() -> [String] {
        guard let filePath else { return [] }
        return OriginalNames.unknownKeyNotices(fileKeys: fileKeys, known: keysRead, path: filePath)
    }

    /// `LOG_LEVEL` → the key `log.level`, which the environment provider maps back to `LOG_LEVEL`.
    static func key(for name: String) -> ConfigKey {
        ConfigKey(name.lowercased().split(separator: "_").map(String.init))
    }

    /// The value of `name`; nil when it is unset or empty. Records `name` as read.
    package func string(_ name: String) -> String? {
        log.keys.withLock { _ = $0.insert(name) }
        guard let value = reader.string(forKey: Self.key(for: name)), !value.isEmpty else { return nil }
        return value
    }

    /// The value of `name`, or `defaultValue` when it is unset or empty.
    package func string(_ name: String, default defaultValue: String) -> String {
        string(name) ?? defaultValue
    }

    /// A secret: never logged, reported only as present or absent.
    package func secret(_ name: String) -> String? {
        log.keys.withLock { _ = $0.insert(name) }
        guard let value = reader.string(forKey: Self.key(for: name), isSecret: true), !value.isEmpty else { return nil }
        return value
    }

    /// A whole number in `range`, or `defaultValue` when unset.
    /// - Throws: ``ConfigurationError`` when the value is not a whole number in `range`.
    package func int(
        _ name: String, default defaultValue: Int, in range: ClosedRange<Int>
    ) throws(ConfigurationError) -> Int {
        guard let text = string(name) else { return defaultValue }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw ConfigurationError(
                key: name, value: text, allowed: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A whole number in `range`, or nil when unset.
    /// - Throws: ``ConfigurationError`` when the value is not a whole number in `range`.
    package func optionalInt(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard string(name) != nil else { return nil }
        return try int(name, default: 0, in: range)
    }

    /// A number in `range`, or `defaultValue` when unset.
    /// - Throws: ``ConfigurationError`` when the value is not a number in `range`.
    package func double(
        _ name: String, default defaultValue: Double, in range: ClosedRange<Double>
    ) throws(ConfigurationError)
        -> Double
    {
        guard let text = string(name) else { return defaultValue }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw ConfigurationError(
                key: name, value: text, allowed: "a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// `1`, `true`, `yes` or `on` as true, `0`, `false`, `no` or `off` as false (any case), or
    /// `defaultValue` when unset.
    /// - Throws: ``ConfigurationError`` for any other value.
    package func bool(_ name: String, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        guard let text = string(name) else { return defaultValue }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(key: name, value: text, allowed: "true or false")
        }
    }

    /// One of a fixed set of names, case-insensitive.
    package func choice<T: RawRepresentable & CaseIterable>(
        _ name: String, default defaultValue: T
    ) throws(ConfigurationError)
        -> T where T.RawValue == String
    {
        guard let text = string(name) else { return defaultValue }
        guard let value = T.allCases.first(where: { $0.rawValue == text.lowercased() }) else {
            throw ConfigurationError(
                key: name, value: text, allowed: T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }

    /// A comma-separated list.
    package func list(_ name: String, default defaultValue: [String]) -> [String] {
        guard let text = string(name) else { return defaultValue }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// The names a ``SettingsReader`` was asked for.
final class KeyLog: Sendable {
    let keys = Mutex<Set<String>>([])
}
