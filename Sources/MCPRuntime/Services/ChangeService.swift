import MCPCore
import ServiceLifecycle

/// Keeps this process's listeners informed: applies the changes the feed brings (declarations
/// shown or hidden elsewhere, subscriptions made on a sibling worker) and looks at the watched
/// resources every `interval` for updates.
struct ChangeService: Service {
    let server: MCPServer
    var interval: Duration = .seconds(1)

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            if let feed = server.configuration.changeFeed {
                group.addTask {
                    for await change in feed.changes() { await server.receive(change) }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    await server.checkWatchedResources()
                }
            }
            group.addTask { try? await gracefulShutdown() }
            await group.next()
            group.cancelAll()
        }
    }
}
