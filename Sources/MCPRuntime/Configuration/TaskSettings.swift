package import MCPCore
package import MCPStore

/// Tasks: where they live and their limits.
///
/// | key | meaning |
/// | --- | --- |
/// | `TASK_STORE` | unset: SQLite in the runtime folder (every worker of this server, gone when it stops); `sqlite:///path/tasks.sqlite3` to keep tasks across restarts; `postgres://user:password@host/db` for several replicas (needs the `PostgreSQL` trait); `off` for no tasks |
/// | `TASK_TTL` | seconds a task and its result are kept when the client asks for no TTL (default 3600) |
/// | `TASK_MAX_TTL` | the longest TTL a client may ask for, in seconds (default 86400) |
/// | `TASKS_PER_PRINCIPAL` | tasks one caller may have that are not finished (default 100); the next call is refused |
/// | `TASK_POLL_INTERVAL` | seconds between polls suggested to clients (`pollIntervalMs`, default 1) |
/// | `TASK_LEASE` | seconds a task's lease holds: a task whose worker died is `failed` this long after its last renewal (default 10) |
public struct TaskSettings: Sendable {
    /// Where tasks live (`TASK_STORE`); default SQLite in the runtime folder.
    package var store = StoreLocation.runtimeFolder
    /// Seconds a task is kept when the client asks for no TTL (`TASK_TTL`).
    public var ttl = 3600.0
    /// The longest TTL a client may ask for, in seconds (`TASK_MAX_TTL`).
    public var maxTTL = 86_400.0
    /// Tasks one caller may have that are not finished (`TASKS_PER_PRINCIPAL`).
    public var perPrincipal = 100
    /// Seconds between polls suggested to clients (`TASK_POLL_INTERVAL`).
    public var pollInterval = 1.0
    /// Seconds a task's lease holds without renewal (`TASK_LEASE`).
    public var lease = 10.0

    /// The defaults in the table above.
    public init() {}

    /// Reads the settings in the table above; throws ``ConfigurationError`` for a value that is not allowed.
    package init(reading settings: SettingsReader) throws(ConfigurationError) {
        let raw = settings.secret("TASK_STORE")
        guard let store = StoreLocation(setting: raw) else {
            throw ConfigurationError(
                key: "TASK_STORE", value: "",
                allowed: "sqlite:///path, postgres://user:password@host/db, off, or unset for the runtime folder")
        }
        self.store = store
        ttl = try settings.double("TASK_TTL", default: ttl, in: 1...31_536_000)
        maxTTL = try settings.double("TASK_MAX_TTL", default: max(maxTTL, ttl), in: ttl...31_536_000)
        perPrincipal = try settings.int("TASKS_PER_PRINCIPAL", default: perPrincipal, in: 1...1_000_000)
        pollInterval = try settings.double("TASK_POLL_INTERVAL", default: pollInterval, in: 0.01...3600)
        lease = try settings.double("TASK_LEASE", default: lease, in: 2...3600)
    }

    /// The protocol-level configuration these settings imply.
    package var configuration: TaskConfiguration {
        var configuration = TaskConfiguration()
        configuration.defaultTTL = .milliseconds(Int(ttl * 1000))
        configuration.maximumTTL = .milliseconds(Int(maxTTL * 1000))
        configuration.perPrincipal = perPrincipal
        configuration.pollInterval = .milliseconds(Int(pollInterval * 1000))
        configuration.lease = .milliseconds(Int(lease * 1000))
        // Renew well within the lease, so one slow round never lets a live task lapse.
        configuration.maintenanceInterval = .milliseconds(Int(min(1.0, lease / 4) * 1000))
        return configuration
    }
}
