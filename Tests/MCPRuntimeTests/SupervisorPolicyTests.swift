import Testing

@testable import MCPRuntime

/// Drives a ``SupervisorPolicy`` the way the poll loop does, with made-up pids and a made-up clock.
struct PolicyDriver {
    var policy: SupervisorPolicy
    var now = 0.0
    var nextPID: Int32 = 100
    /// Every action performed so far, in order.
    var performed: [SupervisorPolicy.Action] = []

    init(workers: Int = 2, gracefulTimeout: Double = 10, workerTimeout: Double = 5) {
        policy = SupervisorPolicy(
            settings: .init(workers: workers, gracefulTimeout: gracefulTimeout, workerTimeout: workerTimeout))
    }

    /// Handles `event` and performs its actions as the loop does (spawns answer with a pid).
    @discardableResult
    mutating func send(_ event: SupervisorPolicy.Event) -> [SupervisorPolicy.Action] {
        var actions = policy.handle(event)
        var index = 0
        while index < actions.count {
            if case .spawn(let slot, let replacing) = actions[index] {
                nextPID += 1
                actions += policy.handle(.spawned(slot: slot, pid: nextPID, replacing: replacing, now: now))
            }
            index += 1
        }
        performed += actions
        return actions
    }

    mutating func tick(after seconds: Double = 0.1) -> [SupervisorPolicy.Action] {
        now += seconds
        return send(.tick(now: now))
    }

    mutating func report(_ pid: Int32, _ report: WorkerChannel.Report) -> [SupervisorPolicy.Action] {
        send(.report(pid: pid, report, now: now))
    }

    /// Starts the desired workers and makes each ready; returns their pids.
    mutating func startAll() -> [Int32] {
        var pids: [Int32] = []
        while policy.activeWorkers < policy.settings.workers || pids.count < policy.activeWorkers {
            for action in tick() {
                if case .spawn = action { pids.append(nextPID) }
            }
            if let last = pids.last, policy.worker(last)?.phase == .starting { _ = report(last, .ready) }
        }
        return pids
    }

    /// Keeps every live worker beating.
    mutating func beatAll() {
        for worker in policy.workers where worker.phase == .ready || worker.phase == .starting {
            _ = report(worker.pid, .beat)
        }
    }

    func logs(_ message: String) -> Int {
        performed.count { if case .log(_, message, _) = $0 { return true } else { return false } }
    }
}

extension [SupervisorPolicy.Action] {
    var spawns: [(slot: Int, replacing: Int32?)] {
        compactMap { if case .spawn(let slot, let replacing) = $0 { return (slot, replacing) } else { return nil } }
    }
    var killed: [Int32] { compactMap { if case .kill(let pid) = $0 { return pid } else { return nil } } }
    var terminated: [Int32] { compactMap { if case .terminate(let pid) = $0 { return pid } else { return nil } } }
    var exits: Bool { contains(.exit) }
}

@Suite("Supervisor policy (no processes)")
struct SupervisorPolicyTests {
    @Test func startsTheDesiredWorkersOneAtATimeAndReleasesOneOffCodeOnce() {
        var driver = PolicyDriver(workers: 3)
        let first = driver.tick()
        #expect(first.spawns.map(\.slot) == [0])
        // One start per turn of the loop.
        #expect(driver.tick().spawns.map(\.slot) == [1])
        #expect(driver.tick().spawns.map(\.slot) == [2])
        #expect(driver.tick().spawns.isEmpty)
        for pid in driver.policy.workers.map(\.pid) { _ = driver.report(pid, .ready) }
        #expect(driver.performed.count { $0 == .releaseOneOffCode } == 1)
        #expect(driver.policy.activeWorkers == 3)
    }

    @Test func withAnotherWorkerAcceptingTheOldOneDrainsBeforeItsReplacementStarts() {
        var driver = PolicyDriver(workers: 2)
        let pids = driver.startAll()
        _ = driver.report(pids[0], .max)
        // Both reach their quota together; one is replaced at a time.
        _ = driver.report(pids[1], .max)
        let first = driver.tick()
        #expect(first.terminated == [pids[0]] && first.spawns.isEmpty)
        // No replacement (so never old and new at once) until the old one has exited.
        #expect(driver.tick().spawns.isEmpty && driver.tick().terminated.isEmpty)
        let gone = driver.send(.exited(pid: pids[0], .exited(0), now: driver.now))
        #expect(gone.contains(.retireMetrics(slot: 0, pid: pids[0])))
        #expect(driver.policy.restarts["recycled"] == 1)
        let replacement = driver.tick()
        #expect(replacement.spawns.map(\.slot) == [0] && replacement.spawns.first?.replacing == nil)
        // The second waits while the replacement starts; once it is ready, its one-off code
        // (spawn, logs) is dropped again and the second drains.
        #expect(driver.tick().terminated.isEmpty)
        #expect(driver.report(driver.nextPID, .ready).contains(.releaseOneOffCode))
        #expect(driver.tick().terminated == [pids[1]])
        _ = driver.send(.exited(pid: pids[1], .exited(0), now: driver.now))
        #expect(driver.tick().spawns.map(\.slot) == [1])
        #expect(driver.policy.restarts["recycled"] == 2)
    }

    @Test func aLoneWorkerIsReplacedByStartingTheNewOneBeforeTheOldOneDrains() {
        var driver = PolicyDriver(workers: 1)
        let pids = driver.startAll()
        _ = driver.report(pids[0], .max)
        let replaced = driver.tick()
        #expect(replaced.spawns.count == 1)
        #expect(replaced.spawns.first?.replacing == pids[0])
        let newcomer = driver.nextPID
        // Nothing drains until the replacement is ready.
        #expect(driver.tick().spawns.isEmpty && driver.performed.terminated.isEmpty)
        let ready = driver.report(newcomer, .ready)
        #expect(ready.terminated == [pids[0]])
        let gone = driver.send(.exited(pid: pids[0], .exited(0), now: driver.now))
        #expect(gone.contains(.retireMetrics(slot: 0, pid: pids[0])))
        // The replacement's one-off code (spawn, logs, metrics fold) is dropped again.
        #expect(gone.contains(.releaseOneOffCode))
        #expect(driver.policy.restarts["recycled"] == 1)
        #expect(driver.tick().spawns.isEmpty)
    }

    @Test func aWorkerThatCrashesWhileAnotherDrainsIsReplacedAtOnce() {
        var driver = PolicyDriver(workers: 2)
        let pids = driver.startAll()
        _ = driver.report(pids[0], .max)
        #expect(driver.tick().terminated == [pids[0]])
        driver.now += 5
        _ = driver.send(.exited(pid: pids[1], .signalled(11), now: driver.now))
        // No worker accepts now: one starts without waiting for the drain, the other after it.
        #expect(driver.tick().spawns.count == 1)
        _ = driver.report(driver.nextPID, .ready)
        #expect(driver.tick().spawns.isEmpty)
        _ = driver.send(.exited(pid: pids[0], .exited(0), now: driver.now))
        #expect(driver.tick().spawns.count == 1)
    }

    @Test func workersStoppingAtShutdownReleaseNothing() {
        var driver = PolicyDriver(workers: 2)
        let pids = driver.startAll()
        _ = driver.send(.stop(signal: "SIGTERM", now: driver.now))
        for pid in pids {
            #expect(!driver.send(.exited(pid: pid, .exited(0), now: driver.now)).contains(.releaseOneOffCode))
        }
    }

    @Test func aCrashIsReplacedAtOnceAndCountedOnce() {
        var driver = PolicyDriver(workers: 2)
        let pids = driver.startAll()
        driver.now += 60
        driver.beatAll()
        let died = driver.send(.exited(pid: pids[1], .signalled(11), now: driver.now))
        #expect(driver.policy.restarts == ["crashed": 1])
        #expect(died.contains { if case .log(.error, "worker died", _) = $0 { true } else { false } })
        #expect(driver.tick().spawns.map(\.slot) == [1])
    }

    @Test func killNineIsCountedAsKilled() {
        var driver = PolicyDriver(workers: 1)
        let pids = driver.startAll()
        driver.now += 5
        _ = driver.send(.exited(pid: pids[0], .signalled(9), now: driver.now))
        #expect(driver.policy.restarts == ["killed": 1])
    }

    @Test func aCrashLoopBacksOffExponentially() {
        var driver = PolicyDriver(workers: 1)
        var delays: [Double] = []
        for _ in 0..<5 {
            var spawnedAt: Double?
            while spawnedAt == nil {
                if !driver.tick(after: 0.05).spawns.isEmpty { spawnedAt = driver.now }
            }
            if let previous = driver.performed.last(where: { if case .log(.warning, _, _) = $0 { true } else { false } }
            ),
                case .log(_, _, let metadata) = previous, let seconds = metadata["seconds"].flatMap(Double.init)
            {
                delays.append(seconds)
            }
            // Dies 0.2 s after it started.
            driver.now += 0.2
            _ = driver.send(.exited(pid: driver.nextPID, .exited(1), now: driver.now))
        }
        #expect(driver.policy.crashStreak == 5)
        #expect(delays == [0.2, 0.4, 0.8, 1.6])
        // The next start waits for the back-off: no spawn 1 s later, one after 3.2 s.
        #expect(driver.tick(after: 1).spawns.isEmpty)
        #expect(!driver.tick(after: 2.3).spawns.isEmpty)
    }

    @Test func aHungWorkerIsKilledOnceLoggedOnceAndCountedOnce() {
        var driver = PolicyDriver(workers: 2, workerTimeout: 5)
        let pids = driver.startAll()
        // pids[0] keeps beating; pids[1] goes silent.
        for _ in 0..<60 {
            driver.now += 0.1
            _ = driver.report(pids[0], .beat)
            _ = driver.send(.tick(now: driver.now))
        }
        // A thousand more turns of the loop before it is reaped (a slow exit, a noisy pipe).
        for _ in 0..<1000 { _ = driver.tick(after: 0.001) }
        #expect(driver.performed.killed == [pids[1]])
        #expect(driver.logs("worker stopped beating; killing") == 1)
        #expect(driver.policy.restarts == ["hung": 1])
        // Its replacement started while it was dying; reaping it counts nothing more.
        #expect(driver.performed.spawns.count == 3)
        _ = driver.send(.exited(pid: pids[1], .signalled(9), now: driver.now))
        #expect(driver.policy.restarts == ["hung": 1])
        #expect(driver.logs("worker died") == 0)
    }

    @Test func aBusyWorkerThatKeepsBeatingIsNotKilled() {
        var driver = PolicyDriver(workers: 1, workerTimeout: 5)
        let pids = driver.startAll()
        for _ in 0..<200 {
            driver.now += 1
            _ = driver.report(pids[0], .beat)
            _ = driver.send(.tick(now: driver.now))
        }
        #expect(driver.performed.killed.isEmpty)
    }

    @Test func aDrainThatOverrunsIsKilledOnce() {
        var driver = PolicyDriver(workers: 1, gracefulTimeout: 10)
        let pids = driver.startAll()
        _ = driver.report(pids[0], .max)
        _ = driver.tick()
        _ = driver.report(driver.nextPID, .ready)
        #expect(driver.performed.terminated == [pids[0]])
        for _ in 0..<400 {
            driver.beatAll()
            _ = driver.tick(after: 0.1)
        }
        #expect(driver.performed.killed == [pids[0]])
        #expect(driver.logs("worker did not finish draining; killing") == 1)
    }

    @Test func sigtermDrainsEveryWorkerThenExits() {
        var driver = PolicyDriver(workers: 2)
        let pids = driver.startAll()
        let stop = driver.send(.stop(signal: "SIGTERM", now: driver.now))
        #expect(Set(stop.terminated) == Set(pids))
        #expect(driver.tick().spawns.isEmpty)
        _ = driver.send(.exited(pid: pids[0], .exited(0), now: driver.now))
        #expect(!driver.tick().exits)
        _ = driver.send(.exited(pid: pids[1], .exited(0), now: driver.now))
        #expect(driver.tick().exits)
        #expect(driver.policy.restarts.isEmpty)
    }

    @Test func aSecondStopSignalKillsAtOnce() {
        var driver = PolicyDriver(workers: 2)
        let pids = driver.startAll()
        _ = driver.send(.stop(signal: "SIGTERM", now: driver.now))
        let second = driver.send(.stop(signal: "SIGINT", now: driver.now))
        #expect(Set(second.killed) == Set(pids))
        #expect(driver.tick().killed.isEmpty)
    }

    @Test func theGracefulTimeoutKillsStragglersOnce() {
        var driver = PolicyDriver(workers: 2, gracefulTimeout: 3)
        let pids = driver.startAll()
        _ = driver.send(.stop(signal: "SIGTERM", now: driver.now))
        _ = driver.send(.exited(pid: pids[0], .exited(0), now: driver.now))
        for _ in 0..<100 { _ = driver.tick(after: 0.1) }
        #expect(driver.performed.killed == [pids[1]])
        _ = driver.send(.exited(pid: pids[1], .signalled(9), now: driver.now))
        #expect(driver.tick().exits)
        #expect(driver.policy.restarts.isEmpty)
    }

    @Test func sighupReplacesEveryWorkerOneByOne() {
        var driver = PolicyDriver(workers: 2)
        let old = driver.startAll()
        _ = driver.send(.reload(nil, now: driver.now))
        var replaced: [Int32] = []
        for _ in 0..<20 {
            let actions = driver.tick()
            #expect(actions.spawns.count + actions.terminated.count <= 1)
            if let drained = actions.terminated.first {
                replaced.append(drained)
                // The other keeps accepting until this one is gone and its successor ready.
                #expect(driver.policy.workers.count { $0.phase == .ready } == 1)
                _ = driver.send(.exited(pid: drained, .exited(0), now: driver.now))
            }
            if actions.spawns.first != nil { _ = driver.report(driver.nextPID, .ready) }
        }
        #expect(Set(replaced) == Set(old))
        #expect(driver.policy.workers.allSatisfy { $0.generation == 1 })
        #expect(driver.policy.restarts.isEmpty)
    }

    @Test func reloadWithAnotherWorkerCountAddsOrRetires() {
        var driver = PolicyDriver(workers: 2)
        let pids = driver.startAll()
        _ = driver.send(.reload(.init(workers: 1, gracefulTimeout: 10, workerTimeout: 5), now: driver.now))
        // The generation changed too; first the surplus goes (the oldest ready worker).
        #expect(driver.tick().terminated == [pids[0]])
        #expect(driver.policy.activeWorkers == 1)
    }

    @Test func sigttinAndSigttouChangeTheCountByOne() {
        var driver = PolicyDriver(workers: 2)
        let pids = driver.startAll()
        _ = driver.send(.addWorker)
        #expect(driver.tick().spawns.map(\.slot) == [2])
        _ = driver.report(driver.nextPID, .ready)
        _ = driver.send(.removeWorker)
        _ = driver.send(.removeWorker)
        #expect(driver.tick().terminated == [pids[0]])
        #expect(driver.tick().terminated == [pids[1]])
        #expect(driver.policy.activeWorkers == 1)
        _ = driver.send(.removeWorker)
        #expect(driver.policy.settings.workers == 1)
    }

    @Test func aFailedSpawnIsRetriedAfterASecond() {
        var driver = PolicyDriver(workers: 1)
        let actions = driver.policy.handle(.tick(now: 0))
        #expect(actions.spawns.count == 1)
        _ = driver.policy.handle(.spawnFailed(now: 0))
        #expect(driver.policy.handle(.tick(now: 0.5)).spawns.isEmpty)
        #expect(driver.policy.handle(.tick(now: 1.1)).spawns.count == 1)
    }

    @Test func aReplacementThatDiesLeavesTheOldWorkerServing() {
        var driver = PolicyDriver(workers: 1)
        let pids = driver.startAll()
        driver.now += 10
        driver.beatAll()
        _ = driver.report(pids[0], .max)
        _ = driver.tick()
        let newcomer = driver.nextPID
        driver.now += 2
        _ = driver.send(.exited(pid: newcomer, .exited(1), now: driver.now))
        #expect(driver.policy.worker(pids[0])?.phase == .ready)
        #expect(driver.performed.terminated.isEmpty)
        // It is tried again.
        #expect(driver.tick().spawns.first?.replacing == pids[0])
    }
}
