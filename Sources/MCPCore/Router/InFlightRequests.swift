import Synchronization

/// The requests running in each conversation, so `notifications/cancelled` can stop one
/// (CAN-1, STDIO-8) and its answer is never sent.
final class InFlightRequests: Sendable {
    struct Key: Hashable {
        var conversation: Conversation
        var id: JSONRPCID
    }

    private struct Entry {
        var serial: Int
        var cancel: @Sendable () -> Void
        var cancelled = false
    }

    private struct State {
        var entries: [Key: [Entry]] = [:]
        var nextSerial = 0
    }

    private let state = Mutex(State())

    /// Runs `work` in a task of its own, registered under `key` until it ends. Returns nil when
    /// `notifications/cancelled` named it meanwhile (nothing may be sent), else its reply.
    /// Cancelling the calling task cancels `work` too.
    func run<Value: Sendable>(_ key: Key, _ work: @escaping @Sendable () async -> Value) async -> Value? {
        let task = Task { await work() }
        let serial = state.withLock { state -> Int in
            let serial = state.nextSerial
            state.nextSerial += 1
            state.entries[key, default: []].append(Entry(serial: serial, cancel: { task.cancel() }))
            return serial
        }
        let value = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        let cancelled = state.withLock { state -> Bool in
            var entries = state.entries[key] ?? []
            let index = entries.firstIndex { $0.serial == serial }
            let cancelled = index.map { entries[$0].cancelled } ?? false
            if let index { entries.remove(at: index) }
            state.entries[key] = entries.isEmpty ? nil : entries
            return cancelled
        }
        return cancelled ? nil : value
    }

    /// Cancels the requests with this id in this conversation; unknown ids are ignored (CAN-1).
    /// - Returns: false when no such request runs in this process.
    @discardableResult
    func cancel(_ key: Key) -> Bool {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            guard var entries = state.entries[key] else { return [] }
            for index in entries.indices { entries[index].cancelled = true }
            state.entries[key] = entries
            return entries.map(\.cancel)
        }
        for cancel in actions { cancel() }
        return !actions.isEmpty
    }

    /// Cancels every request of a conversation (its stream or process ended), or of all.
    /// - Parameter answering: let the cancelled requests still send what they answer (the
    ///   server, not the client, stopped them); false suppresses their answers.
    func cancelAll(in conversation: Conversation? = nil, answering: Bool) {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            var actions: [@Sendable () -> Void] = []
            for (key, var entries) in state.entries where conversation == nil || key.conversation == conversation {
                for index in entries.indices where !answering { entries[index].cancelled = true }
                state.entries[key] = entries
                actions += entries.map(\.cancel)
            }
            return actions
        }
        for cancel in actions { cancel() }
    }

    /// Requests running right now.
    var count: Int { state.withLock { $0.entries.values.reduce(0) { $0 + $1.count } } }
}
