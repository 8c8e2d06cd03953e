import Atomics
package import Foundation

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
        requestCount.wrappingIncrement(ordering: .relaxed)
        if failed { errorCount.wrappingIncrement(ordering: .relaxed) }
        if mcp { mcpCount.wrappingIncrement(ordering: .relaxed) }
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
