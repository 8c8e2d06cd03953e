import Atomics
package import Foundation
import Synchronization

/// Liveness facts served by `/health`, `/ready` and `/api/v1/status`: start time, readiness
/// and request counts. Counters are lock-free atomics.
package final class ServerStatus: Sendable {
    /// Where the server is in its life; `/ready` is 200 only when `ready`.
    package enum Phase: Int, Sendable {
        /// Starting up, ready to serve, or draining before shutdown.
        case starting = 0, ready = 1, draining = 2

        var name: String {
            switch self {
            case .starting: return "starting"
            case .ready: return "ready"
            case .draining: return "draining"
            }
        }
    }

    /// When the status was made: the server's start, for uptime.
    package let startedAt = Date()
    private let phaseValue = ManagedAtomic(Phase.starting.rawValue)
    private let requestCount = ManagedAtomic(0)
    private let errorCount = ManagedAtomic(0)
    private let mcpCount = ManagedAtomic(0)
    private let running = ManagedAtomic(0)
    /// The count ``requestsReaching(_:)`` waits for, and how its waiter is told.
    private let quota = ManagedAtomic(Int.max)
    private let quotaSignal = Mutex<AsyncStream<Void>.Continuation?>(nil)

    /// A status in the `starting` phase with every counter at zero.
    package init() {}

    /// The current phase. Only ``MCPHTTPService`` sets it, as it starts and drains, so what
    /// `/ready` reports follows the service's life and nothing else.
    package internal(set) var phase: Phase {
        get { Phase(rawValue: phaseValue.load(ordering: .relaxed)) ?? .starting }
        set { phaseValue.store(newValue.rawValue, ordering: .relaxed) }
    }

    /// Seconds since ``startedAt``.
    package var uptimeSeconds: Double { Date().timeIntervalSince(startedAt) }

    /// Counts one finished request; `failed` for 5xx answers.
    package func record(failed: Bool, mcp: Bool) {
        // Sequentially consistent so that this and `requestsReaching` cannot both miss the
        // quota (each stores, then loads what the other stored); on x86 this costs one plain load.
        let finished = requestCount.wrappingIncrementThenLoad(ordering: .sequentiallyConsistent)
        if finished == quota.load(ordering: .sequentiallyConsistent) { signalQuota() }
        if failed { errorCount.wrappingIncrement(ordering: .relaxed) }
        if mcp { mcpCount.wrappingIncrement(ordering: .relaxed) }
    }

    /// A stream that yields once `count` requests have finished (at once if they already have)
    /// and ends when the waiting task is cancelled: a worker waits for its request quota without
    /// polling, so an idle worker does not wake for it. One waiter at a time; a new call replaces
    /// the previous one.
    package func requestsReaching(_ count: Int) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        quotaSignal.withLock { $0 = continuation }
        quota.store(count, ordering: .sequentiallyConsistent)
        if requestCount.load(ordering: .sequentiallyConsistent) >= count { signalQuota() }
        return stream
    }

    private func signalQuota() {
        quotaSignal.withLock { $0 }?.yield()
    }

    /// MCP requests being served right now (including streams still producing events).
    package var inFlight: Int { running.load(ordering: .relaxed) }

    func beginRequest() { running.wrappingIncrement(ordering: .relaxed) }
    func endRequest() { running.wrappingDecrement(ordering: .relaxed) }

    /// Requests finished since start.
    package var requests: Int { requestCount.load(ordering: .relaxed) }
    /// Requests answered with a 5xx since start.
    package var errors: Int { errorCount.load(ordering: .relaxed) }
    /// MCP requests (Streamable HTTP or SSE) finished since start.
    package var mcpRequests: Int { mcpCount.load(ordering: .relaxed) }
}
