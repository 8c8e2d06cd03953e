/// What the supervisor decides, without processes: events in, actions out.
///
/// The poll loop in ``Supervisor`` turns what happens (a worker's report, a signal, a child
/// that exited, the clock) into ``Event``s and performs the ``Action``s this value answers with
/// (spawn, SIGTERM, SIGKILL, a log line). Every rule of the process model lives here, so each
/// can be tested without starting a process:
///
/// - keep `workers` running; replace a worker that reached its quota (`max`) or belongs to an
///   older generation one at a time, so the socket always has an accepting worker: while another
///   worker is ready the old one drains first and its replacement starts once it has exited (as
///   gunicorn does: old and new never hold memory and CPU at once, so a recycle does not raise
///   the peak a memory limit must cover); a lone worker is replaced by starting the new one
///   first and telling the old one to drain only once the new one is `ready`;
/// - a worker that dies unexpectedly is replaced at once; one that keeps dying within a second
///   of starting is restarted with exponential back-off;
/// - a worker that stops reporting for `workerTimeout` is killed once (one log line, one
///   `hung` count) and replaced; a draining worker that outlives its deadline is killed once;
/// - SIGTERM/SIGINT: every worker drains, stragglers are killed at `gracefulTimeout`, a second
///   signal kills at once; SIGHUP starts a new generation that replaces workers one by one;
///   SIGTTIN/SIGTTOU: one worker more or fewer.
struct SupervisorPolicy: Sendable {
    /// The part of the configuration the policy needs.
    struct Settings: Sendable, Equatable {
        var workers: Int
        var gracefulTimeout: Double
        var workerTimeout: Double
    }

    enum Phase: Sendable, Equatable {
        case starting, ready, retiring
        /// Sent SIGKILL; it only has to be reaped.
        case killed
    }

    struct Worker: Sendable, Equatable {
        let slot: Int
        let pid: Int32
        let generation: Int
        var phase = Phase.starting
        let started: Double
        var lastBeat: Double
        var retireDeadline: Double?
        /// Reported `max`: replace it.
        var wantsReplacement = false
        /// The worker this one replaces (told to drain once this one is ready).
        var replacing: Int32?
        /// Draining to be replaced once it has exited (another worker accepts meanwhile).
        var replaceAfterExit = false

        /// Counts towards the desired number of workers.
        var isActive: Bool { phase == .starting || phase == .ready }
    }

    /// How a child ended, from `waitpid`.
    enum ExitStatus: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    enum Event: Sendable, Equatable {
        /// Time passes (every turn of the loop).
        case tick(now: Double)
        /// A worker wrote a report line.
        case report(pid: Int32, WorkerChannel.Report?, now: Double)
        /// The loop started the worker a ``Action/spawn(slot:replacing:)`` asked for.
        case spawned(slot: Int, pid: Int32, replacing: Int32?, now: Double)
        /// The spawn failed.
        case spawnFailed(now: Double)
        /// A child was reaped.
        case exited(pid: Int32, ExitStatus, now: Double)
        /// SIGTERM or SIGINT.
        case stop(signal: String, now: Double)
        /// SIGHUP, with the settings read again (nil keeps the current ones).
        case reload(Settings?, now: Double)
        /// SIGTTIN.
        case addWorker
        /// SIGTTOU.
        case removeWorker
    }

    enum Level: Sendable, Equatable { case debug, info, warning, error }

    enum Action: Sendable, Equatable {
        /// Start a worker in `slot`; the loop answers with ``Event/spawned(slot:pid:replacing:now:)``.
        case spawn(slot: Int, replacing: Int32?)
        /// SIGTERM: drain and exit.
        case terminate(pid: Int32)
        /// SIGKILL.
        case kill(pid: Int32)
        /// Fold a gone worker's metrics into the retired totals.
        case retireMetrics(slot: Int, pid: Int32)
        /// One-off work is over — start-up (every first worker ready) or a worker's replacement
        /// (the old one gone): drop the code pages it touched (``StartupCode``).
        case releaseOneOffCode
        case log(Level, String, [String: String])
        /// Every worker is gone after a stop.
        case exit
    }

    static let restartReasons = ["recycled", "crashed", "killed", "hung"]
    /// SIGKILL's number (the same on Linux and Darwin); the policy imports no C library.
    static let sigkill: Int32 = 9

    private(set) var settings: Settings
    private(set) var workers: [Worker] = []
    private(set) var generation = 0
    private(set) var stopping = false
    private(set) var stopDeadline: Double?
    private(set) var crashStreak = 0
    private(set) var nextSpawnAllowed = -Double.infinity
    /// Restarts by reason (``restartReasons``); never decrease.
    private(set) var restarts: [String: Int] = [:]
    private(set) var startedUp = false
    /// A spawn was asked for and its outcome is not known yet.
    private var spawnPending = false

    init(settings: Settings) {
        self.settings = settings
    }

    /// Workers that count towards the desired number.
    var activeWorkers: Int { workers.count { $0.isActive } }

    func worker(_ pid: Int32) -> Worker? { workers.first { $0.pid == pid } }

    // MARK: Events

    mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .tick(let now): return tick(now: now)
        case .report(let pid, let report, let now): return handle(report: report, from: pid, now: now)
        case .spawned(let slot, let pid, let replacing, let now):
            spawnPending = false
            var worker = Worker(slot: slot, pid: pid, generation: generation, started: now, lastBeat: now)
            worker.replacing = replacing
            workers.append(worker)
            return [
                .log(
                    .info, "worker started",
                    ["worker": "\(slot)", "worker.pid": "\(pid)", "replacing": replacing.map { "\($0)" } ?? "-"])
            ]
        case .spawnFailed(let now):
            spawnPending = false
            nextSpawnAllowed = now + 1
            return [.log(.error, "cannot start a worker", [:])]
        case .exited(let pid, let status, let now): return exited(pid: pid, status: status, now: now)
        case .stop(let signal, let now): return stop(signal: signal, now: now)
        case .reload(let fresh, _):
            var actions: [Action] = []
            if let fresh {
                if fresh.workers != settings.workers {
                    actions.append(.log(.info, "worker count changed", ["workers": "\(fresh.workers)"]))
                }
                settings = fresh
            }
            generation += 1
            actions.append(.log(.info, "reload: replacing workers one by one", ["generation": "\(generation)"]))
            return actions
        case .addWorker:
            settings.workers += 1
            return [.log(.info, "one worker more", ["workers": "\(settings.workers)"])]
        case .removeWorker:
            settings.workers = max(1, settings.workers - 1)
            return [.log(.info, "one worker fewer", ["workers": "\(settings.workers)"])]
        }
    }

    private mutating func handle(report: WorkerChannel.Report?, from pid: Int32, now: Double) -> [Action] {
        guard let index = workers.firstIndex(where: { $0.pid == pid }) else { return [] }
        workers[index].lastBeat = now
        switch report {
        case .ready:
            guard workers[index].phase == .starting else { return [] }
            workers[index].phase = .ready
            var actions: [Action] = [
                .log(.info, "worker ready", ["worker": "\(workers[index].slot)", "worker.pid": "\(pid)"])
            ]
            if let old = workers[index].replacing {
                workers[index].replacing = nil
                actions += retire(pid: old, now: now)
            }
            if !startedUp, workers.count(where: { $0.phase == .ready }) >= settings.workers {
                startedUp = true
                actions.append(.releaseOneOffCode)
            } else if startedUp {
                // A replacement's spawn ran code the poll loop never runs again.
                actions.append(.releaseOneOffCode)
            }
            return actions
        case .max:
            workers[index].wantsReplacement = true
            return []
        case .beat, .none:
            return []
        }
    }

    private mutating func exited(pid: Int32, status: ExitStatus, now: Double) -> [Action] {
        guard let index = workers.firstIndex(where: { $0.pid == pid }) else { return [] }
        let worker = workers.remove(at: index)
        // Its replacement, if it was starting one, no longer replaces anything.
        for other in workers.indices where workers[other].replacing == pid { workers[other].replacing = nil }
        var actions: [Action] = [.retireMetrics(slot: worker.slot, pid: pid)]
        let metadata = ["worker": "\(worker.slot)", "worker.pid": "\(pid)", "status": status.description]
        if worker.phase == .retiring || worker.phase == .killed || stopping {
            // Expected: it drained, or was killed and already counted when it was.
            actions.append(.log(.info, "worker stopped", metadata))
            if worker.wantsReplacement && worker.phase == .retiring { count("recycled") }
            // A replacement's spawn, logs and metrics fold ran code the poll loop never runs again.
            if startedUp && !stopping { actions.append(.releaseOneOffCode) }
            return actions
        }
        count(status == .signalled(Self.sigkill) ? "killed" : "crashed")
        actions.append(.log(.error, "worker died", metadata))
        if now - worker.started < 1 {
            crashStreak += 1
            let delay = min(30, 0.1 * Double(1 << min(crashStreak, 16)))
            nextSpawnAllowed = now + delay
            actions.append(
                .log(
                    .warning, "worker keeps dying at start; backing off",
                    ["seconds": "\(delay)", "streak": "\(crashStreak)"]))
        } else {
            crashStreak = 0
        }
        return actions
    }

    private mutating func stop(signal: String, now: Double) -> [Action] {
        if stopping {
            var actions: [Action] = [.log(.warning, "second stop signal: stopping now", [:])]
            actions += killAll()
            stopDeadline = now
            return actions
        }
        stopping = true
        stopDeadline = now + settings.gracefulTimeout + 2
        var actions: [Action] = [
            .log(.info, "stopping: workers drain", ["reason": signal, "workers": "\(workers.count)"])
        ]
        for index in workers.indices where workers[index].phase != .killed {
            workers[index].phase = .retiring
            workers[index].retireDeadline = stopDeadline
            actions.append(.terminate(pid: workers[index].pid))
        }
        if workers.isEmpty { actions.append(.exit) }
        return actions
    }

    // MARK: Time

    private mutating func tick(now: Double) -> [Action] {
        var actions = checkDeadlines(now: now)
        if stopping {
            if workers.isEmpty { actions.append(.exit) }
            return actions
        }
        actions += maintain(now: now)
        return actions
    }

    /// Hung workers and overdue drains are killed, each exactly once.
    private mutating func checkDeadlines(now: Double) -> [Action] {
        var actions: [Action] = []
        if stopping, let stopDeadline, now > stopDeadline, workers.contains(where: { $0.phase != .killed }) {
            actions.append(.log(.warning, "graceful timeout reached; killing workers", ["workers": "\(workers.count)"]))
            actions += killAll()
            return actions
        }
        for index in workers.indices {
            let worker = workers[index]
            switch worker.phase {
            case .retiring:
                guard let deadline = worker.retireDeadline, now > deadline else { continue }
                workers[index].phase = .killed
                actions.append(
                    .log(.warning, "worker did not finish draining; killing", ["worker.pid": "\(worker.pid)"]))
                actions.append(.kill(pid: worker.pid))
            case .starting, .ready:
                guard now - worker.lastBeat > settings.workerTimeout else { continue }
                workers[index].phase = .killed
                count("hung")
                actions.append(
                    .log(
                        .error, "worker stopped beating; killing",
                        ["worker": "\(worker.slot)", "worker.pid": "\(worker.pid)"]))
                actions.append(.kill(pid: worker.pid))
            case .killed:
                continue
            }
        }
        return actions
    }

    /// Keeps the desired number of workers; replaces one worker at a time.
    private mutating func maintain(now: Double) -> [Action] {
        guard !spawnPending else { return [] }
        let active = workers.filter(\.isActive)
        let awaitingExit = workers.count { $0.phase == .retiring && $0.replaceAfterExit }
        if active.count + awaitingExit < settings.workers {
            guard now >= nextSpawnAllowed else { return [] }
            return spawn(replacing: nil)
        }
        let replacing = active.contains { $0.replacing != nil } ? 1 : 0
        if active.count > settings.workers + replacing,
            let oldest = active.filter({ $0.phase == .ready && $0.replacing == nil }).min(by: {
                $0.started < $1.started
            })
        {
            return retire(pid: oldest.pid, now: now)
        }
        // One replacement at a time: none while a worker is starting or one is being replaced.
        guard awaitingExit == 0, !workers.contains(where: { $0.phase == .starting || $0.replacing != nil }) else {
            return []
        }
        guard
            let outdated = active.first(where: {
                $0.phase == .ready && ($0.wantsReplacement || $0.generation < generation)
            })
        else { return [] }
        guard active.contains(where: { $0.phase == .ready && $0.pid != outdated.pid }) else {
            return spawn(replacing: outdated.pid)
        }
        let actions = retire(pid: outdated.pid, now: now)
        if let index = workers.firstIndex(where: { $0.pid == outdated.pid }) { workers[index].replaceAfterExit = true }
        return actions
    }

    private mutating func spawn(replacing old: Int32?) -> [Action] {
        let used = Set(workers.filter(\.isActive).map(\.slot))
        let slot = (0...).first { !used.contains($0) }!
        spawnPending = true
        return [.spawn(slot: slot, replacing: old)]
    }

    /// Tells a worker to drain (SIGTERM); it is killed if it outlives the graceful timeout.
    private mutating func retire(pid: Int32, now: Double) -> [Action] {
        guard let index = workers.firstIndex(where: { $0.pid == pid }), workers[index].isActive else { return [] }
        workers[index].phase = .retiring
        workers[index].retireDeadline = now + settings.gracefulTimeout + 5
        return [.terminate(pid: pid)]
    }

    private mutating func killAll() -> [Action] {
        var actions: [Action] = []
        for index in workers.indices where workers[index].phase != .killed {
            workers[index].phase = .killed
            actions.append(.kill(pid: workers[index].pid))
        }
        return actions
    }

    private mutating func count(_ reason: String) {
        restarts[reason, default: 0] += 1
    }
}

extension SupervisorPolicy.ExitStatus: CustomStringConvertible {
    var description: String {
        switch self {
        case .exited(let code): return "exit \(code)"
        case .signalled(let signal): return "signal \(signal)"
        }
    }

    /// Decodes a `waitpid` status.
    init(waitStatus status: Int32) {
        if status & 0x7f != 0 {
            self = .signalled(status & 0x7f)
        } else {
            self = .exited((status >> 8) & 0xff)
        }
    }
}
