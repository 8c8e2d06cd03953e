package import MCPCore

/// What tools, resources and prompts may use: the workspace the file tools are confined to, and
/// the time, size and threads of each call.
///
/// | key | meaning |
/// | --- | --- |
/// | `WORKSPACE_DIR` | the file tools' folder (default: a folder in the user's data folder, never relative to the working directory; see ``DefaultWorkspace``) |
/// | `MAX_FILE_SIZE` | largest file the file tools read or write, in bytes (default 10 MiB) |
/// | `WORKSPACE_MAX_BYTES` | quota of the workspace in bytes; 0 for none (default) |
/// | `TOOL_TIMEOUT` | seconds a tool call may run, synchronous or `async` (also a synchronous resource or prompt function; not a task); 0 for no limit (default 60) |
/// | `REGEX_TIMEOUT` | seconds a user-supplied regular expression may run (default 1) |
/// | `ENABLE_DEMO_TOOLS` | offer the demo tools (`long_task`) as well (default false) |
/// | `MAX_RESULT_SIZE` | largest result of a tool call, resource read or prompt, in bytes of JSON (default 1 MiB) |
/// | `TOOL_THREADS` | threads per process running synchronous tool, resource and prompt work (default: one per CPU of the cgroup quota) |
/// | `TOOL_QUEUE_LIMIT` | calls that may wait for such a thread; beyond it a call is answered "busy, retry" (default 64) |
/// | `TOOL_SLOW_CALL_MS` | a synchronous call that used more CPU than this (or waited) sends its function's calls of the next 30 s to those threads; quicker ones run inline (default 2) |
public struct ToolSettings: Sendable {
    /// The file tools' folder. When `WORKSPACE_DIR` is not set, a folder in the user's data
    /// folder (never relative to the working directory; see ``DefaultWorkspace``).
    public var workspaceDirectory = "./workspace"
    /// The largest file the file tools read or write, in bytes.
    public var maxFileSize = 10 * 1024 * 1024
    /// Quota of the workspace folder in bytes; 0 for none.
    public var workspaceMaxBytes = 0
    /// Seconds a tool call may run, synchronous or `async`; 0 for no limit.
    public var timeout = 60.0
    /// Seconds a user-supplied regular expression may run.
    public var regexTimeout = 1.0
    /// Offer the demo tools (`long_task`) as well.
    public var enableDemoTools = false
    /// Largest result of a tool call, resource read or prompt, in bytes of JSON.
    public var maxResultSize = 1 << 20
    /// Threads per process running synchronous tool, resource and prompt work; nil for one per CPU.
    public var threads: Int?
    /// Calls that may wait for such a thread; beyond it a call is answered "busy, retry" (HTTP 503).
    public var queueLimit = 64
    /// Milliseconds of CPU after which a synchronous call counts as slow: its function's calls of
    /// the next 30 s run on the tool threads instead of inline on the thread that serves the request.
    public var slowCallMilliseconds = 2.0

    /// The defaults: no demo tools, 1 MiB results, one thread per CPU, 64 waiting calls.
    public init() {}

    /// - Parameters:
    ///   - name: the server's command name, which names its default workspace folder.
    ///   - notices: where a default workspace chosen for lack of a home is noted.
    package init(reading settings: SettingsReader, name: String, notices: inout [String]) throws(ConfigurationError) {
        if let directory = settings.string("WORKSPACE_DIR") {
            workspaceDirectory = directory
        } else {
            let choice = try DefaultWorkspace.choose(name: name, environment: settings.environment)
            workspaceDirectory = choice.path
            notices += choice.notice.map { [$0] } ?? []
        }
        maxFileSize = try settings.int("MAX_FILE_SIZE", default: maxFileSize, in: 1...(1 << 30))
        workspaceMaxBytes = try settings.int("WORKSPACE_MAX_BYTES", default: workspaceMaxBytes, in: 0...(1 << 50))
        timeout = try settings.double("TOOL_TIMEOUT", default: timeout, in: 0...86_400)
        regexTimeout = try settings.double("REGEX_TIMEOUT", default: regexTimeout, in: 0.01...60)
        enableDemoTools = try settings.bool("ENABLE_DEMO_TOOLS", default: enableDemoTools)
        maxResultSize = try settings.int("MAX_RESULT_SIZE", default: maxResultSize, in: 1024...(1 << 30))
        threads = try settings.optionalInt("TOOL_THREADS", in: 1...1024)
        queueLimit = try settings.int("TOOL_QUEUE_LIMIT", default: queueLimit, in: 0...100_000)
        slowCallMilliseconds = try settings.double(
            "TOOL_SLOW_CALL_MS", default: slowCallMilliseconds, in: 0.1...60_000)
    }

    /// Puts the bounded-work settings into a server configuration: `MAX_RESULT_SIZE`, and the
    /// threads and queue for synchronous work (`TOOL_THREADS`, default one per CPU of the cgroup
    /// quota; `TOOL_QUEUE_LIMIT`; `TOOL_SLOW_CALL_MS`).
    package func applyLimits(to configuration: inout ServerConfiguration) {
        configuration.maxResultBytes = maxResultSize
        let threads = threads ?? max(1, Int(CPUBudget.detect().cpus.rounded(.up)))
        configuration.blockingWork = BlockingWork(
            threads: threads, queueLimit: queueLimit, slowCall: .microseconds(Int64(slowCallMilliseconds * 1000)))
    }
}
