/// Prometheus metrics: whether they are served, where, and to whom.
///
/// | key | meaning |
/// | --- | --- |
/// | `ENABLE_METRICS` | serve metrics, summed over all workers (default true) |
/// | `METRICS_PATH` | their path, starting with `/`, other than `MCP_PATH` (default `/metrics`) |
/// | `METRICS_REQUIRE_AUTH` | require the API key on the metrics path too (default false) |
public struct MetricsSettings: Sendable {
    /// Serve metrics (`ENABLE_METRICS`).
    public var enabled = true
    /// Where they are served (`METRICS_PATH`).
    public var path = "/metrics"
    /// Require the API key for them (`METRICS_REQUIRE_AUTH`).
    public var requireAuth = false

    /// Metrics on at `/metrics`, open without the API key.
    public init() {}

    /// - Parameter mcpPath: the MCP endpoint's path, which the metrics path must not take.
    package init(reading settings: SettingsReader, mcpPath: String) throws(ConfigurationError) {
        enabled = try settings.bool("ENABLE_METRICS", default: enabled)
        path = settings.string("METRICS_PATH", default: path)
        guard path.hasPrefix("/"), path != mcpPath else {
            throw ConfigurationError(
                key: "METRICS_PATH", value: path, allowed: "a path starting with / other than MCP_PATH")
        }
        requireAuth = try settings.bool("METRICS_REQUIRE_AUTH", default: requireAuth)
    }
}
