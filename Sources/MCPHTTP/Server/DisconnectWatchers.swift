package import NIOCore
import Synchronization

/// Runs actions when a client goes away, without piling callbacks on long-lived connections:
/// each connection gets one close callback, and each watch is removed when its request ends.
package final class DisconnectWatchers: Sendable {
    /// One registered action, to remove with ``unwatch(_:)``.
    package struct Watch: Sendable {
        let connection: ObjectIdentifier
        let token: Int
    }

    private struct State {
        var actions: [ObjectIdentifier: [Int: @Sendable () -> Void]] = [:]
        var next = 0
    }

    private let state = Mutex(State())

    /// An empty set of watches.
    package init() {}

    /// Runs `action` once if `channel` closes before ``unwatch(_:)``; at once if it is closed.
    @discardableResult
    package func watch(_ channel: any Channel, _ action: @escaping @Sendable () -> Void) -> Watch {
        let connection = ObjectIdentifier(channel)
        let (token, isNew) = state.withLock { state -> (Int, Bool) in
            let token = state.next
            state.next += 1
            let isNew = state.actions[connection] == nil
            state.actions[connection, default: [:]][token] = action
            return (token, isNew)
        }
        if isNew {
            channel.closeFuture.whenComplete { [self] _ in
                let actions = state.withLock { $0.actions.removeValue(forKey: connection) } ?? [:]
                for action in actions.values { action() }
            }
        }
        return Watch(connection: connection, token: token)
    }

    /// Forgets a watch whose request ended.
    package func unwatch(_ watch: Watch) {
        state.withLock { state in
            guard state.actions[watch.connection] != nil else { return }
            state.actions[watch.connection]?[watch.token] = nil
        }
    }

    /// Runs `work` in a task that is cancelled if `channel` closes before it finishes.
    package func cancellingOnClose<T: Sendable>(
        _ channel: any Channel, _ work: @escaping @Sendable () async -> T
    ) async -> T {
        let task = Task { await work() }
        let watch = watch(channel) { task.cancel() }
        defer { unwatch(watch) }
        return await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Connections being watched (for tests and metrics).
    package var count: Int { state.withLock { $0.actions.count } }
}
