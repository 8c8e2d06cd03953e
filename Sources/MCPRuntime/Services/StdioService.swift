import Logging
import MCPStdio
import ServiceLifecycle

/// The stdio transport as a service: it ends at end of input (and the group with it); on a
/// graceful shutdown it stops reading, lets in-flight requests finish for `gracefulTimeout`,
/// then cancels what is left.
struct StdioService: Service {
    let stdio: StdioServer
    let gracefulTimeout: Duration
    let logger: Logger

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await stdio.run() }
            group.addTask {
                do { try await gracefulShutdown() } catch { return }
                logger.info("finishing in-flight requests")
                stdio.shutdown()
                try? await Task.sleep(for: gracefulTimeout)
                stdio.cancelAll()
            }
            await group.next()
            group.cancelAll()
        }
    }
}
