import Foundation
package import Logging
import MCPHTTP
import MCPPlatform

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
/// The rules live in ``SupervisorPolicy`` (events in, actions out, tested without processes);
/// this class is the plain `poll` loop that feeds it events and performs its actions: no
/// threads, no concurrency runtime, easy to reason about as PID 1 in a container (it reaps
/// every child, orphans included).
package final class Supervisor {
    /// What the supervisor needs to know; `reload` re-reads it on SIGHUP.
    package struct Configuration {
        /// The path of the server binary each worker runs.
        package var executable: String
        /// Arguments for a worker (after the executable), e.g. `["worker", "--port", "8000"]`.
        package var workerArguments: [String]
        /// The environment each worker starts with (the supervisor adds the worker variables of ``WorkerChannel``).
        package var environment: [String: String]
        /// The address the supervisor binds the shared listening socket to.
        package var host: String
        /// The port of the shared listening socket.
        package var port: Int
        /// Worker processes to keep running.
        package var workers: Int
        /// Seconds workers get to finish in-flight work after SIGTERM before they are killed.
        package var gracefulTimeout: Double
        /// Seconds without a heartbeat after which a worker is killed and replaced.
        package var workerTimeout: Double
        /// The most live sessions in the shared session table.
        package var maxSessions: Int
        /// Seconds a session may stay idle before it expires.
        package var sessionIdleTTL: Double
        /// `RUNTIME_DIR`: the private folder each run's folder is made in (nil: the temporary
        /// folder); see ``RuntimeDirectory``.
        package var runtimeDirectory: String?

        /// A configuration with every value given; the runtime folder defaults to one in the temporary folder.
        package init(
            executable: String, workerArguments: [String], environment: [String: String], host: String, port: Int,
            workers: Int,
            gracefulTimeout: Double, workerTimeout: Double, maxSessions: Int, sessionIdleTTL: Double,
            runtimeDirectory: String? = nil
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
            self.runtimeDirectory = runtimeDirectory
        }
    }

    /// A running worker process as the loop sees it: its descriptors and unread report bytes.
    struct Process {
        let slot: Int
        let reports: Int32
        let supervisorAlive: Int32
        var pending: [UInt8] = []
        /// False once the report pipe reached end of file: it is no longer polled (a dead
        /// worker's pipe would wake `poll` at once until the worker is reaped).
        var reportsOpen = true
    }

    var configuration: Configuration
    let reload: () -> Configuration?
    let logger: Logger
    let runtime: RuntimeDirectory
    let sessionKey: [UInt8]
    var listener: Int32 = -1
    var policy: SupervisorPolicy
    var processes: [Int32: Process] = [:]
    var finished = false
    let epoch = ContinuousClock.now
    var lastMetricsWrite = -Double.infinity
    let signals: SignalPipe
    let sessions: SharedSessionRegistry
    /// Where workers count their connections; the supervisor gives back an exited worker's seat.
    let acceptBalance: AcceptBalance

    /// - Parameter reload: re-reads the configuration on SIGHUP (nil keeps the current one).
    package init(configuration: Configuration, logger: Logger, reload: @escaping () -> Configuration?) throws {
        self.configuration = configuration
        self.logger = logger
        self.reload = reload
        self.policy = SupervisorPolicy(settings: configuration.policySettings)
        var random = SystemRandomNumberGenerator()
        sessionKey = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let runtime = try RuntimeDirectory.create(in: configuration.runtimeDirectory)
        self.runtime = runtime
        do {
            sessions = try SharedSessionRegistry(
                path: runtime.sessionTable, capacity: configuration.maxSessions,
                idleTTL: configuration.sessionIdleTTL)
            acceptBalance = try AcceptBalance(path: runtime.acceptBalance)
            signals = try SignalPipe(trapping: [
                Signals.terminate, Signals.interrupt, Signals.hangUp, Signals.terminalInput, Signals.terminalOutput,
            ])
        } catch {
            runtime.remove()  // a supervisor that never ran leaves no folder behind
            throw error
        }
    }

    /// Runs until stopped; returns the exit status.
    package func run() throws -> Int32 {
        Signals.ignore(Signals.brokenPipe)
        defer { cleanUp() }  // also when the port cannot be had: the run's folder goes either way
        listener = try ListeningSocket.open(host: configuration.host, port: configuration.port)
        logger.info(
            "supervisor listening",
            metadata: [
                "address": "\(configuration.host):\(ListeningSocket.port(of: listener))",
                "workers": "\(configuration.workers)",
            ])
        // The first turn starts a worker at once instead of after a quiet 100 ms wait.
        perform(policy.handle(.tick(now: now)))
        while !finished {
            waitForEvents(timeout: 100)
            handleSignals()
            reap()
            perform(policy.handle(.tick(now: now)))
            if !policy.stopping { writeMetrics() }
        }
        let summary = policy.restarts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        logger.info("supervisor stopped", metadata: ["restarts": "\(summary.isEmpty ? "none" : summary)"])
        return 0
    }

    /// Seconds on a monotonic clock since the supervisor started.
    var now: Double {
        let elapsed = ContinuousClock.now - epoch
        return elapsed.inSeconds
    }

    // MARK: Events

    private func waitForEvents(timeout: Int32) {
        let watched = processes.filter(\.value.reportsOpen).map(\.key)
        let descriptors = [signals.readEnd] + watched.map { processes[$0]!.reports }
        let ready = Descriptors.waitUntilReady(descriptors, for: .input, timeout: timeout)
        for (index, isReady) in ready.enumerated().dropFirst() where isReady {
            readReports(from: watched[index - 1])
        }
    }

    private func readReports(from pid: Int32) {
        guard var process = processes[pid] else { return }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { Descriptors.read(process.reports, $0.baseAddress, $0.count) }
        if count <= 0 {
            let failure = SystemErrno.current
            if count == 0 || (failure != SystemErrno.interrupted && failure != SystemErrno.tryAgain) {
                process.reportsOpen = false
            }
            processes[pid] = process
            return
        }
        process.pending += buffer[0..<count]
        var lines: [String] = []
        while let newline = process.pending.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(String(decoding: process.pending[..<newline], as: UTF8.self))
            process.pending.removeSubrange(...newline)
        }
        processes[pid] = process
        for line in lines {
            perform(policy.handle(.report(pid: pid, WorkerChannel.Report(rawValue: line), now: now)))
        }
    }

    private func handleSignals() {
        for signal in signals.drain() {
            switch signal {
            case Signals.terminate, Signals.interrupt:
                perform(policy.handle(.stop(signal: signal == Signals.terminate ? "SIGTERM" : "SIGINT", now: now)))
            case Signals.hangUp:
                let fresh = reload()
                if let fresh { configuration = fresh }
                perform(policy.handle(.reload(fresh?.policySettings, now: now)))
            case Signals.terminalInput:
                configuration.workers += 1
                perform(policy.handle(.addWorker))
            case Signals.terminalOutput:
                configuration.workers = max(1, configuration.workers - 1)
                perform(policy.handle(.removeWorker))
            default:
                break
            }
        }
    }

    /// Collects every exited child (workers and, as PID 1, orphans); workers become events.
    private func reap() {
        while let (pid, status) = Processes.reapExitedChild() {
            guard let process = processes.removeValue(forKey: pid) else { continue }
            acceptBalance.vacate(pid: pid)
            Descriptors.close(process.reports)
            Descriptors.close(process.supervisorAlive)
            perform(policy.handle(.exited(pid: pid, SupervisorPolicy.ExitStatus(waitStatus: status), now: now)))
        }
    }

    // MARK: Actions

    private func perform(_ actions: [SupervisorPolicy.Action]) {
        for action in actions {
            switch action {
            case .spawn(let slot, let replacing):
                if let pid = spawn(slot: slot) {
                    perform(policy.handle(.spawned(slot: slot, pid: pid, replacing: replacing, now: now)))
                } else {
                    perform(policy.handle(.spawnFailed(now: now)))
                }
            case .terminate(let pid):
                Processes.send(Signals.terminate, to: pid)
            case .kill(let pid):
                Processes.send(Signals.kill, to: pid)
            case .retireMetrics(let slot, let pid):
                MetricsStore.retire(workerFile: "worker-\(slot)-\(pid).prom", in: runtime.metrics)
            case .releaseOneOffCode:
                let released = StartupCode.release()
                logger.debug("released one-off code", metadata: ["bytes": "\(released)"])
            case .log(let level, let message, let metadata):
                logger.log(level: level.loggerLevel, "\(message)", metadata: metadata.mapValues { .string($0) })
            case .exit:
                finished = true
            }
        }
    }

    /// Starts a worker process in `slot`; its pid, or nil (logged) when it could not start.
    private func spawn(slot: Int) -> Int32? {
        guard let reports = Descriptors.makePipe(), let alive = Descriptors.makePipe() else { return nil }
        var environment = configuration.environment
        environment[WorkerChannel.workerIDVariable] = String(slot)
        environment[WorkerChannel.runtimeDirectoryVariable] = runtime.path
        environment[WorkerChannel.persistentDirectoryVariable] = runtime.persistent
        environment[WorkerChannel.sessionKeyVariable] = WorkerChannel.hex(sessionKey)
        do {
            let pid = try ProcessSpawner.spawn(
                executable: configuration.executable, arguments: configuration.workerArguments,
                environment: environment,
                descriptors: [
                    (listener, WorkerChannel.listeningSocket), (reports.write, WorkerChannel.reports),
                    (alive.read, WorkerChannel.supervisorAlive),
                ])
            Descriptors.close(reports.write)
            Descriptors.close(alive.read)
            processes[pid] = Process(slot: slot, reports: reports.read, supervisorAlive: alive.write)
            return pid
        } catch {
            for descriptor in [reports.read, reports.write, alive.read, alive.write] { Descriptors.close(descriptor) }
            logger.error("cannot start a worker", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The supervisor's own metrics, next to the workers' (restarts never go backwards); once a second.
    private func writeMetrics() {
        guard now - lastMetricsWrite >= 1 else { return }
        lastMetricsWrite = now
        var text = "# TYPE mcp_workers gauge\nmcp_workers \(policy.activeWorkers)\n"
        text += "# TYPE mcp_worker_restarts_total counter\n"
        for reason in SupervisorPolicy.restartReasons {
            text += "mcp_worker_restarts_total{reason=\"\(reason)\"} \(policy.restarts[reason] ?? 0)\n"
        }
        // Abandoned sessions stop counting when their idle time is over, not when the table fills.
        sessions.sweep(now: Date().timeIntervalSince1970)
        text += "# TYPE mcp_sessions_active gauge\nmcp_sessions_active \(sessions.count)\n"
        MetricsStore.writeAtomically(text, to: runtime.metrics + "/supervisor.prom")
    }

    private func cleanUp() {
        if listener >= 0 { Descriptors.close(listener) }
        runtime.remove()
    }
}

extension Supervisor.Configuration {
    /// What the policy needs of this configuration.
    var policySettings: SupervisorPolicy.Settings {
        SupervisorPolicy.Settings(workers: workers, gracefulTimeout: gracefulTimeout, workerTimeout: workerTimeout)
    }
}

extension SupervisorPolicy.Level {
    var loggerLevel: Logger.Level {
        switch self {
        case .debug: return .debug
        case .info: return .info
        case .warning: return .warning
        case .error: return .error
        }
    }
}
