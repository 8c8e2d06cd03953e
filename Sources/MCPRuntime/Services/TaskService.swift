import Logging
import MCPCore
import ServiceLifecycle
import Synchronization

/// The tasks of this process as a service: it renews their leases, notices cancels from other
/// workers and sweeps the store (``TaskRunner/runMaintenance()``) until the group shuts down;
/// then it lets running tasks finish until `GRACEFUL_TIMEOUT` after the drain began (the HTTP
/// service tells it, see ``drainBegan()``), fails the rest, and returns.
///
/// Listed before the HTTP service, it stops after it: tasks keep their leases while
/// connections drain.
final class TaskService: Service, Sendable {
    let runner: TaskRunner
    let gracefulTimeout: Duration
    private let drainStart = Mutex<ContinuousClock.Instant?>(nil)

    init(runner: TaskRunner, gracefulTimeout: Duration) {
        self.runner = runner
        self.gracefulTimeout = gracefulTimeout
    }

    /// Marks the start of the graceful shutdown (the first call counts).
    func drainBegan() {
        drainStart.withLock { start in
            if start == nil { start = .now }
        }
    }

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [runner] in await runner.runMaintenance() }
            try? await gracefulShutdown()
            drainBegan()
            let deadline = (drainStart.withLock { $0 } ?? .now) + gracefulTimeout
            await runner.drain(deadline: deadline)
            await runner.maintain()
            group.cancelAll()
        }
    }
}
