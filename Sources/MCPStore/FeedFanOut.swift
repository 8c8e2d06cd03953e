import MCPCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Hands a store's changes to this process's subscribers. One reader task runs while anyone
/// listens (it reads the store's new changes and calls ``deliver(_:)``); each subscriber has a
/// buffer of ``bufferSize`` changes and loses the oldest when it falls further behind.
final class FeedFanOut: Sendable {
    static let bufferSize = 1000

    private struct State {
        var subscribers: [Int: AsyncStream<ServerChange>.Continuation] = [:]
        var nextKey = 0
        var reader: Task<Void, Never>?
        var cursor: Int64?
        var since = 0.0
        var closed = false
    }

    private let state = Mutex(State())

    /// Where the reader got to (store-specific: the last sequence number read); nil before its
    /// first read.
    var cursor: Int64? {
        get { state.withLock { $0.cursor } }
        set { state.withLock { $0.cursor = newValue } }
    }

    /// When the reader started (seconds since 1970): its first read delivers what was
    /// published from then on, so a change published while it starts is not lost.
    var since: Double { state.withLock { $0.since } }

    var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// A new subscription; starts the reader (`read`, then a pause of `interval`, again and
    /// again) when it is the first.
    func subscribe(every interval: Duration, read: @escaping @Sendable () async -> Void) -> AsyncStream<ServerChange> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ServerChange.self, bufferingPolicy: .bufferingNewest(Self.bufferSize))
        state.withLock { state in
            guard !state.closed else {
                continuation.finish()
                return
            }
            let key = state.nextKey
            state.nextKey += 1
            state.subscribers[key] = continuation
            continuation.onTermination = { [weak self] _ in self?.remove(key) }
            if state.reader == nil {
                state.since = Date().timeIntervalSince1970
                // Lives as long as someone listens; cancelled by the last one to leave or by close().
                state.reader = Task {
                    while !Task.isCancelled {
                        await read()
                        try? await Task.sleep(for: interval)
                    }
                }
            }
        }
        return stream
    }

    func deliver(_ change: ServerChange) {
        for subscriber in state.withLock({ Array($0.subscribers.values) }) { subscriber.yield(change) }
    }

    private func remove(_ key: Int) {
        state.withLock { state in
            state.subscribers[key] = nil
            guard state.subscribers.isEmpty else { return }
            state.reader?.cancel()
            state.reader = nil
            state.cursor = nil
        }
    }

    func close() {
        let subscribers = state.withLock { state in
            state.closed = true
            state.reader?.cancel()
            state.reader = nil
            let subscribers = Array(state.subscribers.values)
            state.subscribers = [:]
            return subscribers
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
