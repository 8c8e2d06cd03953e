/// The process model: how many worker processes a supervisor runs, when it replaces them, and
/// how long a process may take to stop.
///
/// | key | meaning |
/// | --- | --- |
/// | `WORKERS` | worker processes; set, a supervisor runs them in any environment (default: from the CPU budget, in production) |
/// | `WORKERS_PER_CPU`, `WORKERS_EXTRA` | without `WORKERS`: ceil(CPUs × `WORKERS_PER_CPU`) + `WORKERS_EXTRA` (default 0.5 and 0: a worker per two CPUs, each with an event loop per CPU; on two CPUs one worker, which measured a shorter tail and less CPU per request than two, docs/PERFORMANCE.md) … |
/// | `WORKERS_MIN`, `WORKERS_MAX` | … clamped to this range (default 1 to 8) |
/// | `WORKER_THREADS` | event-loop threads per process (default: one per CPU) |
/// | `ACCEPTING_WORKERS` | `all`: every worker accepts connections, spread evenly; `one`: one at a time, the others stand by and take over within milliseconds when it drains or dies (default `all`) |
/// | `TASKS_ON_EVENT_LOOPS` | run Swift tasks on the event loops instead of Swift's cooperative pool: no thread hop per request, but measured 12–14 % more CPU per request here (default false) |
/// | `MAX_REQUESTS` | requests after which a worker is replaced; 0 never (default 500000 in production, else 0: a recycle costs about 150 ms of one worker's throughput, so at 50000 a worker under full load was replaced every 1.5 s and served 10 % less, docs/PERFORMANCE.md) |
/// | `MAX_REQUESTS_JITTER` | up to this many more, at random per worker, so workers do not recycle together (default 50000 in production, else 0) |
/// | `WORKER_TIMEOUT` | seconds without a heartbeat after which a worker is killed and replaced (default 30) |
/// | `GRACEFUL_TIMEOUT` | seconds in-flight work may take to finish after SIGTERM (default 30) |
/// | `RUNTIME_DIR` | private folder (mode 0700) each run makes its runtime folder in; it also keeps the sessions ended by DELETE across restarts (default: a fresh folder in the temporary folder each run) |
public struct ProcessSettings: Sendable {
    /// Worker processes; nil lets the CPU budget decide (``CPUBudget``).
    public var workers: Int?
    /// Workers per CPU of the budget, when ``workers`` is nil.
    public var workersPerCPU = 0.5
    /// Workers added to the per-CPU count.
    public var workersExtra = 0
    /// The fewest workers the budget may give.
    public var workersMin = 1
    /// The most workers the budget may give.
    public var workersMax = 8
    /// Event-loop threads per worker; nil for one per CPU.
    public var workerThreads: Int?
    /// Swift tasks run on the event loops (NIO's shared group is the global executor).
    public var tasksOnEventLoops = false
    /// Which workers accept connections on the shared socket.
    public var acceptingWorkers = AcceptingWorkers.all
    /// Requests after which a worker is replaced; 0 never.
    public var maxRequests = 0
    /// Up to this many more requests, at random per worker, so workers do not recycle together.
    public var maxRequestsJitter = 0
    /// Seconds without a heartbeat after which a worker is killed and replaced.
    public var workerTimeout = 30.0
    /// Seconds in-flight work may take to finish after SIGTERM.
    public var gracefulTimeout = 30.0
    /// Private folder for the runtime files of a multi-process server; nil for a fresh one in the temporary folder.
    public var runtimeDirectory: String?

    /// The defaults in the table above.
    public init() {}

    /// - Parameter production: workers are then recycled by default (`MAX_REQUESTS`).
    package init(reading settings: SettingsReader, production: Bool) throws(ConfigurationError) {
        workers = try settings.optionalInt("WORKERS", in: 1...256)
        workersPerCPU = try settings.double("WORKERS_PER_CPU", default: workersPerCPU, in: 0.1...16)
        workersExtra = try settings.int("WORKERS_EXTRA", default: workersExtra, in: 0...64)
        workersMin = try settings.int("WORKERS_MIN", default: workersMin, in: 1...256)
        workersMax = try settings.int("WORKERS_MAX", default: workersMax, in: workersMin...256)
        workerThreads = try settings.optionalInt("WORKER_THREADS", in: 1...256)
        tasksOnEventLoops = try settings.bool("TASKS_ON_EVENT_LOOPS", default: tasksOnEventLoops)
        acceptingWorkers = try settings.choice("ACCEPTING_WORKERS", default: acceptingWorkers)
        maxRequests = try settings.int("MAX_REQUESTS", default: production ? 500_000 : 0, in: 0...1_000_000_000)
        maxRequestsJitter = try settings.int(
            "MAX_REQUESTS_JITTER", default: production ? 50_000 : 0, in: 0...1_000_000_000)
        workerTimeout = try settings.double("WORKER_TIMEOUT", default: workerTimeout, in: 1...3600)
        gracefulTimeout = try settings.double("GRACEFUL_TIMEOUT", default: gracefulTimeout, in: 0...3600)
        runtimeDirectory = settings.string("RUNTIME_DIR")
    }

    /// Which workers accept connections on the socket the supervisor shares with them.
    public enum AcceptingWorkers: String, Sendable, CaseIterable {
        /// Every worker accepts, and new connections are spread evenly: a worker holding more
        /// connections than a sibling leaves the next one to it for up to a millisecond.
        case all
        /// One worker at a time (the holder of a lock in the run's folder) accepts and serves
        /// every new connection; the others stand by and take over when it stops accepting or
        /// dies. Fewer busy threads share the CPUs than with every worker serving.
        case one
    }

    /// This worker's request quota: `MAX_REQUESTS` plus a random share of the jitter; nil for none.
    package func requestQuota() -> Int? {
        guard maxRequests > 0 else { return nil }
        return maxRequests + (maxRequestsJitter > 0 ? Int.random(in: 0...maxRequestsJitter) : 0)
    }
}
