import Foundation
public import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The process at the top of a multi-process server: it owns the listening socket, starts N
/// worker processes that serve it, and keeps N of them running.
///
/// - A worker that reached its request quota is replaced: the new one starts, reports ready,
///   and only then is the old one told to drain (SIGTERM) — one at a time, so workers never all
///   recycle together, and the socket always has a worker accepting.
/// - A worker that dies unexpectedly (crash, SIGKILL) is replaced at once; one that keeps dying
///   right after starting is restarted with exponential back-off. One that stops beating for
///   `WORKER_TIMEOUT` is killed and replaced.
/// - SIGTERM/SIGINT: every worker drains (up to `GRACEFUL_TIMEOUT`), then the supervisor exits 0;
///   a second signal stops at once. SIGHUP: configuration re-read and workers replaced one by
///   one (a new binary on disk is picked up). SIGTTIN/SIGTTOU: one worker more/fewer.
///
/// It is a plain `poll` loop on purpose: no threads, no concurrency runtime, easy to reason
/// about as PID 1 in a container (it reaps every child, orphans included).
public final class Supervisor {
    /// What the supervisor needs to know; `reload` re-reads it on SIGHUP.
    public struct Configuration {
        public var executable: String
        /// Arguments for a worker (after the executable), e.g. `["worker", "--port", "8000"]`.
        public var workerArguments: [String]
        public var environment: [String: String]
        public var host: String
        public var port: Int
        public var workers: Int
        public var gracefulTimeout: Double
        public var workerTimeout: Double
        public var maxSessions: Int
        public var sessionIdleTTL: Double

        public init(
            executable: String, workerArguments: [String], environment: [String: String], host: String, port: Int,
            workers: Int,
            gracefulTimeout: Double, workerTimeout: Double, maxSessions: Int, sessionIdleTTL: Double
        ) {
            self.executable = executable
            self.workerArguments = workerArguments
            self.environment = environment
            self.host = host
            self.port = port
            self.workers = workers
            self.gracefulTimeout = gracefulTimeout
            self.workerTimeout = workerTimeout
            self.maxSessions = maxSessions
            self.sessionIdleTTL = sessionIdleTTL
        }
    }

    struct Worker {
        enum Phase { case starting, ready, retiring }

        let slot: Int
        let pid: pid_t
        let reports: Int32
        let supervisorAlive: Int32
        let generation: Int
        var phase = Phase.starting
        var started = Date()
        var lastBeat = Date()
        var retireDeadline: Date?
        var wantsReplacement = false
        /// The worker this one replaces (it is told to drain once this one is ready).
        var replacing: pid_t?
        var pending: [UInt8] = []
    }

    var configuration: Configuration
    let reload: () -> Configuration?
    let logger: Logger
    let runtimeDirectory: String
    let sessionKey: [UInt8]
    var listener: Int32 = -1
    var workers: [Worker] = []
    var generation = 0
    var stopping = false
    var stopDeadline: Date?
    var crashStreak = 0
    var nextSpawnAllowed = Date.distantPast
    var restarts: [String: Int] = [:]
    /// Set once every first worker is ready: start-up is over (see ``StartupCode``).
    var startedUp = false
    var lastMetricsWrite = Date.distantPast
    let signals: SignalPipe
    let sessions: SharedSessionRegistry

    /// - Parameter reload: re-reads the configuration on SIGHUP (nil keeps the current one).
    public init(configuration: Configuration, logger: Logger, reload: @escaping () -> Configuration?) throws {
        self.configuration = configuration
        self.logger = logger
        self.reload = reload
        var random = SystemRandomNumberGenerator()
        sessionKey = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        runtimeDirectory = NSTemporaryDirectory() + "mcp-server-\(getpid())"
        try FileManager.default.createDirectory(
            atPath: runtimeDirectory + "/metrics", withIntermediateDirectories: true)
        sessions = try SharedSessionRegistry(
            path: runtimeDirectory + "/sessions.table", capacity: configuration.maxSessions,
            idleTTL: configuration.sessionIdleTTL)
        signals = try SignalPipe(trapping: [SIGTERM, SIGINT, SIGHUP, SIGTTIN, SIGTTOU])
    }

    /// Runs until stopped; returns the exit status.
    public func run() throws -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        listener = try ListeningSocket.open(host: configuration.host, port: configuration.port)
        defer { cleanUp() }
        logger.info(
            "supervisor listening",
            metadata: [
                "address": "\(configuration.host):\(ListeningSocket.port(of: listener))",
                "workers": "\(configuration.workers)",
            ])
        while true {
            waitForEvents(timeout: 100)
            handleSignals()
            reap()
            checkHeartbeats()
            if stopping {
                if workers.isEmpty { break }
                if let deadline = stopDeadline, Date() > deadline { killAll() }
                continue
            }
            maintain()
            writeMetrics()
        }
        let summary = restarts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        logger.info("supervisor stopped", metadata: ["restarts": "\(summary.isEmpty ? "none" : summary)"])
        return 0
    }

    // MARK: Events

    private func waitForEvents(timeout: Int32) {
        var fds = [pollfd(fd: signals.readEnd, events: Int16(POLLIN), revents: 0)]
        fds += workers.map { pollfd(fd: $0.reports, events: Int16(POLLIN), revents: 0) }
        _ = poll(&fds, nfds_t(fds.count), timeout)
        for (index, descriptor) in fds.enumerated().dropFirst() where descriptor.revents != 0 {
            readReports(from: index - 1)
        }
    }

    private func readReports(from index: Int) {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { read(workers[index].reports, $0.baseAddress, $0.count) }
        guard count > 0 else { return }
        workers[index].pending += buffer[0..<count]
        while let newline = workers[index].pending.firstIndex(of: UInt8(ascii: "\n")) {
            let word = String(decoding: workers[index].pending[..<newline], as: UTF8.self)
            workers[index].pending.removeSubrange(...newline)
            handle(report: word, from: index)
        }
    }

    private func handle(report: String, from index: Int) {
        workers[index].lastBeat = Date()
        switch WorkerChannel.Report(rawValue: report) {
        case .ready:
            workers[index].phase = .ready
            logger.info(
                "worker ready", metadata: ["worker": "\(workers[index].slot)", "worker.pid": "\(workers[index].pid)"])
            if let old = workers[index].replacing {
                workers[index].replacing = nil
                retire(pid: old)
            }
            if !startedUp, workers.filter({ $0.phase == .ready }).count >= configuration.workers {
                startedUp = true
                let released = StartupCode.release()
                logger.debug("released start-up code", metadata: ["bytes": "\(released)"])
            }
        case .max:
            workers[index].wantsReplacement = true
        case .beat, .none:
            break
        }
    }

    private func handleSignals() {
        for signal in signals.drain() {
            switch signal {
            case SIGTERM, SIGINT:
                if stopping {
                    logger.warning("second stop signal: stopping now")
                    killAll()
                } else {
                    beginStop(reason: signal == SIGTERM ? "SIGTERM" : "SIGINT")
                }
            case SIGHUP:
                if let fresh = reload() {
                    fresh.workers == configuration.workers
                        ? () : logger.info("worker count changed", metadata: ["workers": "\(fresh.workers)"])
                    configuration = fresh
                }
                generation += 1
                logger.info("reload: replacing workers one by one", metadata: ["generation": "\(generation)"])
            case SIGTTIN:
                configuration.workers += 1
                logger.info("one worker more", metadata: ["workers": "\(configuration.workers)"])
            case SIGTTOU:
                configuration.workers = max(1, configuration.workers - 1)
                logger.info("one worker fewer", metadata: ["workers": "\(configuration.workers)"])
            default:
                break
            }
        }
    }

    // MARK: Lifecycle of workers

    /// Collects every exited child (workers and, as PID 1, orphans) and notes why it ended.
    private func reap() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return }
            guard let index = workers.firstIndex(where: { $0.pid == pid }) else { continue }
            let worker = workers.remove(at: index)
            close(worker.reports)
            close(worker.supervisorAlive)
            MetricsStore.retire(workerFile: "worker-\(worker.slot)-\(pid).prom", in: runtimeDirectory + "/metrics")
            let signalled = (status & 0x7f) != 0
            let exitCode = (status >> 8) & 0xff
            if worker.phase == .retiring || stopping {
                logger.info(
                    "worker stopped",
                    metadata: ["worker": "\(worker.slot)", "worker.pid": "\(pid)", "status": "\(exitCode)"])
                if worker.wantsReplacement { count(restart: "recycled") }
                continue
            }
            let reason = signalled ? "signal \(status & 0x7f)" : "exit \(exitCode)"
            count(restart: signalled && (status & 0x7f) == SIGKILL ? "killed" : "crashed")
            logger.error(
                "worker died", metadata: ["worker": "\(worker.slot)", "worker.pid": "\(pid)", "reason": "\(reason)"])
            if Date().timeIntervalSince(worker.started) < 1 {
                crashStreak += 1
                let delay = min(30, 0.1 * pow(2, Double(crashStreak)))
                nextSpawnAllowed = Date().addingTimeInterval(delay)
                logger.warning(
                    "worker keeps dying at start; backing off",
                    metadata: ["seconds": "\(delay)", "streak": "\(crashStreak)"])
            } else {
                crashStreak = 0
            }
            // Its replacement, if it was starting one, is no longer needed for it.
            for other in workers.indices where workers[other].replacing == pid { workers[other].replacing = nil }
        }
    }

    /// Keeps the desired number of workers and replaces one worker at a time.
    private func maintain() {
        let active = workers.filter { $0.phase != .retiring }
        if active.count < configuration.workers {
            guard Date() >= nextSpawnAllowed else { return }
            spawn(replacing: nil)
            return
        }
        if active.count > configuration.workers + (active.contains { $0.replacing != nil } ? 1 : 0),
            let oldest = active.filter({ $0.phase == .ready && $0.replacing == nil }).min(by: {
                $0.started < $1.started
            })
        {
            retire(pid: oldest.pid)
            return
        }
        // One replacement at a time: none while a worker is starting or one is being replaced.
        guard !workers.contains(where: { $0.phase == .starting || $0.replacing != nil }) else { return }
        if let outdated = active.first(where: {
            $0.phase == .ready && ($0.wantsReplacement || $0.generation < generation)
        }) {
            spawn(replacing: outdated.pid)
        }
    }

    private func spawn(replacing old: pid_t?) {
        guard let reports = Pipe.make(), let alive = Pipe.make() else {
            logger.error("cannot create worker pipes")
            return
        }
        let used = Set(workers.filter { $0.phase != .retiring }.map(\.slot))
        let slot = (0...).first { !used.contains($0) }!
        var environment = configuration.environment
        environment[WorkerChannel.workerIDVariable] = String(slot)
        environment[WorkerChannel.runtimeDirectoryVariable] = runtimeDirectory
        environment[WorkerChannel.sessionKeyVariable] = WorkerChannel.hex(sessionKey)
        do {
            let pid = try ProcessSpawner.spawn(
                executable: configuration.executable, arguments: configuration.workerArguments,
                environment: environment,
                descriptors: [
                    (listener, WorkerChannel.listeningSocket), (reports.write, WorkerChannel.reports),
                    (alive.read, WorkerChannel.supervisorAlive),
                ])
            close(reports.write)
            close(alive.read)
            var worker = Worker(
                slot: slot, pid: pid, reports: reports.read, supervisorAlive: alive.write, generation: generation)
            worker.replacing = old
            workers.append(worker)
            logger.info(
                "worker started",
                metadata: ["worker": "\(slot)", "worker.pid": "\(pid)", "replacing": "\(old.map { "\($0)" } ?? "-")"])
        } catch {
            close(reports.read)
            close(reports.write)
            close(alive.read)
            close(alive.write)
            logger.error("cannot start a worker", metadata: ["error": "\(error)"])
            nextSpawnAllowed = Date().addingTimeInterval(1)
        }
    }

    /// Tells a worker to drain and exit (SIGTERM); it is killed if it outlives the graceful timeout.
    private func retire(pid: pid_t) {
        guard let index = workers.firstIndex(where: { $0.pid == pid }), workers[index].phase != .retiring else {
            return
        }
        workers[index].phase = .retiring
        workers[index].retireDeadline = Date().addingTimeInterval(configuration.gracefulTimeout + 5)
        kill(pid, SIGTERM)
    }

    private func checkHeartbeats() {
        let now = Date()
        for worker in workers {
            if worker.phase == .retiring, let deadline = worker.retireDeadline, now > deadline {
                logger.warning("worker did not finish draining; killing", metadata: ["worker.pid": "\(worker.pid)"])
                kill(worker.pid, SIGKILL)
            } else if worker.phase != .retiring, now.timeIntervalSince(worker.lastBeat) > configuration.workerTimeout {
                logger.error(
                    "worker stopped beating; killing",
                    metadata: ["worker": "\(worker.slot)", "worker.pid": "\(worker.pid)"])
                count(restart: "hung")
                kill(worker.pid, SIGKILL)
            }
        }
    }

    private func beginStop(reason: String) {
        stopping = true
        stopDeadline = Date().addingTimeInterval(configuration.gracefulTimeout + 2)
        logger.info("stopping: workers drain", metadata: ["reason": "\(reason)", "workers": "\(workers.count)"])
        for worker in workers {
            kill(worker.pid, SIGTERM)
        }
        for index in workers.indices { workers[index].phase = .retiring }
    }

    private func killAll() {
        for worker in workers { kill(worker.pid, SIGKILL) }
        stopping = true
        stopDeadline = Date()
    }

    private func count(restart reason: String) {
        restarts[reason, default: 0] += 1
    }

    /// The supervisor's own metrics, next to the workers' (restarts never go backwards); once a second.
    private func writeMetrics() {
        guard Date().timeIntervalSince(lastMetricsWrite) >= 1 else { return }
        lastMetricsWrite = Date()
        var text = "# TYPE mcp_workers gauge\nmcp_workers \(workers.filter { $0.phase != .retiring }.count)\n"
        text += "# TYPE mcp_worker_restarts_total counter\n"
        for reason in ["recycled", "crashed", "killed", "hung"] {
            text += "mcp_worker_restarts_total{reason=\"\(reason)\"} \(restarts[reason] ?? 0)\n"
        }
        text += "# TYPE mcp_sessions_active gauge\nmcp_sessions_active \(sessions.count)\n"
        MetricsStore.writeAtomically(text, to: runtimeDirectory + "/metrics/supervisor.prom")
    }

    private func cleanUp() {
        if listener >= 0 { close(listener) }
        try? FileManager.default.removeItem(atPath: runtimeDirectory)
    }
}
