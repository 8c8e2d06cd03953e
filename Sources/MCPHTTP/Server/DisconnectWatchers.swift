public import NIOCore
import Synchronization

/// Runs work that must stop when its client goes away. Each connection gets one close
/// callback (not one per request), and serves one request at a time, so the table holds at
/// most one action per open connection.
public final class DisconnectWatchers: Sendable {
    private struct State {
        var actions: [ObjectIdentifier: @Sendable () -> Void] = [:]
        var watched: Set<ObjectIdentifier> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `work` in a task that is cancelled if `channel` closes before it finishes.
    public func cancellingOnClose<T: Sendable>(
        _ channel: any Channel, _ work: @escaping @Sendable () async -> T
    ) async -> T {
        let task = Task { await work() }
        let key = ObjectIdentifier(channel)
        let isNew = state.withLock { state -> Bool in
            state.actions[key] = { task.cancel() }
            return state.watched.insert(key).inserted
        }
        if isNew {
            channel.closeFuture.whenComplete { [self] _ in
                let action = state.withLock { state -> (@Sendable () -> Void)? in
                    state.watched.remove(key)
                    return state.actions.removeValue(forKey: key)
                }
                action?()
            }
        }
        if !channel.isActive { task.cancel() }
        let result = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        _ = state.withLock { $0.actions.removeValue(forKey: key) }
        return result
    }

    /// Connections being watched (for tests and metrics).
    public var count: Int { state.withLock { $0.watched.count } }
}
