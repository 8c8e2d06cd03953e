import Foundation
package import MCPCore

/// The keys that seal what clients carry between requests — handshake-era session ids and
/// 2026-07-28 `requestState` — and what the server knows about its siblings.
///
/// | key | meaning |
/// | --- | --- |
/// | `SECRET_KEY` | the secret every worker and replica derives its sealing key from; without it a key is made up at start-up, which only this server's own workers share |
/// | `SECRET_KEY_PREVIOUS` | comma-separated secrets still accepted while a rotation rolls out |
/// | `REQUEST_STATE_TTL` | seconds a `requestState` stays valid (default 600) |
/// | `REPLICAS` | how many servers share the load behind a proxy (default 1); more than one needs `SECRET_KEY` |
public struct KeySettings: Sendable {
    /// The secret sealing keys derive from (`SECRET_KEY`); nil: a key made up at start-up.
    public var secretKey: String?
    /// Earlier secrets still accepted while a rotation rolls out (`SECRET_KEY_PREVIOUS`).
    public var previousSecretKeys: [String] = []
    /// Seconds a `requestState` stays valid (`REQUEST_STATE_TTL`).
    public var requestStateTTL = 600.0
    /// Servers sharing the load behind a proxy (`REPLICAS`); more than one needs ``secretKey``.
    public var replicas = 1

    /// The defaults in the table above.
    public init() {}

    /// Reads the settings in the table above; throws ``ConfigurationError`` for a value that is not allowed.
    package init(reading settings: SettingsReader) throws(ConfigurationError) {
        secretKey = settings.secret("SECRET_KEY")
        previousSecretKeys =
            settings.secret("SECRET_KEY_PREVIOUS").map {
                $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            } ?? []
        requestStateTTL = try settings.double("REQUEST_STATE_TTL", default: requestStateTTL, in: 1...86_400)
        replicas = try settings.int("REPLICAS", default: replicas, in: 1...10_000)
        if replicas > 1 && secretKey == nil {
            throw ConfigurationError(
                key: "SECRET_KEY", value: "", allowed: "a secret shared by every replica when REPLICAS > 1")
        }
    }

    /// The ring from `SECRET_KEY`, else from a key this server's supervisor made up (`madeUp`,
    /// shared by its workers), else one made up for this process.
    package func keyRing(madeUp: [UInt8]? = nil) -> KeyRing {
        if let secretKey { return KeyRing(secret: secretKey, previous: previousSecretKeys) }
        if let madeUp { return KeyRing(madeUpKey: madeUp) }
        return .generated()
    }
}
