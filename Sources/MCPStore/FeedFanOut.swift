import MCPCore
import Synchronization

/// Hands a store's change events to this process's subscribers. One poller task runs while
/// anyone listens (it reads the store's new events and calls ``deliver(_:)``); each subscriber
/// has a buffer of ``bufferSize`` events and loses the oldest when it falls further behind.
final class FeedFanOut: Sendable {
    static let bufferSize = 1000

    private struct State {
        var subscribers: [Int: AsyncStream<ChangeEvent>.Continuation] = [:]
        var nextKey = 0
        var poller: Task<Void, Never>?
        var cursor: Int64?
        var closed = false
    }

    private let state = Mutex(State())

    /// Where the poller got to (store-specific: the last sequence number read); nil before
    /// its first poll.
    var cursor: Int64? {
        get { state.withLock { $0.cursor } }
        set { state.withLock { $0.cursor = newValue } }
    }

    var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// A new subscription; starts the poller (`poll` every `interval`) when it is the first.
    func subscribe(every interval: Duration, poll: @escaping @Sendable () async -> Void) -> AsyncStream<ChangeEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ChangeEvent.self, bufferingPolicy: .bufferingNewest(Self.bufferSize))
        state.withLock { state in
            guard !state.closed else {
                continuation.finish()
                return
            }
            let key = state.nextKey
            state.nextKey += 1
            state.subscribers[key] = continuation
            continuation.onTermination = { [weak self] _ in self?.remove(key) }
            if state.poller == nil {
                // Lives as long as someone listens; cancelled by the last one to leave or by close().
                state.poller = Task {
                    while !Task.isCancelled {
                        await poll()
                        try? await Task.sleep(for: interval)
                    }
                }
            }
        }
        return stream
    }

    func deliver(_ event: ChangeEvent) {
        for subscriber in state.withLock({ Array($0.subscribers.values) }) { subscriber.yield(event) }
    }

    private func remove(_ key: Int) {
        state.withLock { state in
            state.subscribers[key] = nil
            guard state.subscribers.isEmpty else { return }
            state.poller?.cancel()
            state.poller = nil
            state.cursor = nil
        }
    }

    func close() {
        let subscribers = state.withLock { state in
            state.closed = true
            state.poller?.cancel()
            state.poller = nil
            let subscribers = Array(state.subscribers.values)
            state.subscribers = [:]
            return subscribers
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
