import MCPHTTP
import ServiceLifecycle

/// Forgets the streams of expired handshake-era sessions every `interval`, until the service
/// group shuts down.
struct SessionSweeper: Service {
    let http: MCPHTTPService
    var interval: Duration = .seconds(30)

    func run() async throws {
        // Ends by cancellation when the group shuts down: that is its normal end, not a failure.
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval)
                http.sweepSessions()
            }
        }
    }
}
