/// Handshake-era sessions over Streamable HTTP (used when `STATELESS_HTTP=false`): how long they
/// live and how many there may be.
///
/// | key | meaning |
/// | --- | --- |
/// | `SESSION_IDLE_TTL` | seconds a session may stay idle before it expires (default 1800) |
/// | `MAX_SESSIONS` | most sessions at once; a new `initialize` beyond it gets 503 (default 1000) |
/// | `REPLAY_BUFFER_SIZE` | events kept per stream for `Last-Event-ID` replay (default 256) |
/// | `SESSION_MAX_AGE` | seconds a session id stays valid after `initialize`, however active (default 86400) |
public struct SessionSettings: Sendable {
    /// Seconds a session may stay idle before it expires.
    public var idleTTL = 1800.0
    /// The most sessions at once.
    public var maxSessions = 1000
    /// Events kept per stream for `Last-Event-ID` replay.
    public var replayBufferSize = 256
    /// Seconds a session id stays valid after `initialize`, however active.
    public var maxAge = 86_400.0

    /// The defaults in the table above.
    public init() {}

    /// Reads the settings in the table above; throws ``ConfigurationError`` for a value out of range.
    package init(reading settings: SettingsReader) throws(ConfigurationError) {
        idleTTL = try settings.double("SESSION_IDLE_TTL", default: idleTTL, in: 1...86_400)
        maxSessions = try settings.int("MAX_SESSIONS", default: maxSessions, in: 1...10_000_000)
        replayBufferSize = try settings.int("REPLAY_BUFFER_SIZE", default: replayBufferSize, in: 1...100_000)
        maxAge = try settings.double("SESSION_MAX_AGE", default: maxAge, in: 1...31_536_000)
    }
}
