import Logging
import MCPHTTP
import NIOCore
import ServiceLifecycle

/// What makes a process a worker of a supervisor, as a service beside the HTTP service:
///
/// - a beat every second, sent through an event loop and the concurrency pool, so a worker
///   whose loops or pool are stuck stops beating and is replaced after `WORKER_TIMEOUT`;
/// - `max` once the request quota (`MAX_REQUESTS` + jitter) is reached: the supervisor starts
///   a replacement and then asks this one to drain;
/// - its metrics written twice a second for the siblings to sum, and once more at the end;
/// - when the supervisor goes away it returns, and the group drains (see ``Supervisor``).
///
/// Listed first in the group, it is the last to stop: it beats while the HTTP service drains.
struct WorkerDuties: Service {
    let http: MCPHTTPService
    let quota: Int?
    let metrics: MetricsStore?
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    func run() async throws {
        let (supervisorGone, gone) = AsyncStream.makeStream(of: Void.self)
        WorkerChannel.watchSupervisor { gone.yield() }
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in supervisorGone { return true }
                return true
            }
            group.addTask {
                try? await gracefulShutdown()
                return false
            }
            group.addTask { await beat() }
            if let metrics {
                group.addTask {
                    while !Task.isCancelled {
                        metrics.writeSnapshot()
                        try? await Task.sleep(for: .milliseconds(500))
                    }
                    return false
                }
            }
            if let quota { group.addTask { await watch(quota: quota) } }
            let supervisorLeft = await group.next() ?? false
            if supervisorLeft { logger.notice("supervisor gone; draining") }
            group.cancelAll()
        }
        // Last words: the final snapshot, so the supervisor folds exact totals.
        metrics?.writeSnapshot()
    }

    private func beat() async -> Bool {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            try? await eventLoopGroup.next().submit {}.get()
            if !WorkerChannel.send(.beat) { return true }
        }
        return false
    }

    /// Waits, without polling, for the request quota; then asks to be replaced.
    private func watch(quota: Int) async -> Bool {
        for await _ in http.status.requestsReaching(quota) {
            logger.info(
                "request quota reached; asking to be replaced", metadata: ["requests": "\(http.status.requests)"])
            WorkerChannel.send(.max)
            // Keeps serving until the supervisor asks it to drain (see SupervisorPolicy).
            try? await gracefulShutdown()
            return false
        }
        return false
    }
}
