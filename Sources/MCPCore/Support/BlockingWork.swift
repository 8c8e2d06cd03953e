import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Runs synchronous, possibly CPU-heavy or blocking work off Swift's cooperative pool, a
/// bounded number of items at a time, so slow work never starves the threads that serve other
/// requests (and a worker's heartbeat).
///
/// ``MCPServer`` runs every synchronous tool, resource and prompt function here — the library
/// decides, not each author. At most `threads` items run at once; up to `queueLimit` more
/// wait; beyond that ``run(cancellation:_:)`` throws ``Busy`` at once instead of growing a
/// queue (the server answers "busy, retry"). A caller that is cancelled (or times out) stops
/// waiting at once; the work itself learns it through its ``CancellationFlag`` and should
/// stop at its next check, and it holds its thread until it returns — so a call that ignores
/// cancellation still counts against the limit and cannot multiply.
///
/// ```swift
/// let count = try await BlockingWork.run { expensiveCount(of: text) }
/// ```
public final class BlockingWork: Sendable {
    /// Thrown when `threads` items run and `queueLimit` more wait: retry later.
    public struct Busy: Error, Sendable, CustomStringConvertible {
        public var description: String { "the server is busy; retry later" }
    }

    public let threads: Int
    public let queueLimit: Int
    private let queue = DispatchQueue(label: "mcp.blocking-work", qos: .utility, attributes: .concurrent)
    private let state = Mutex(State())

    private struct State {
        var running = 0
        var waiting: [@Sendable () -> Void] = []
        var head = 0

        var waitingCount: Int { waiting.count - head }

        mutating func popFirst() -> (@Sendable () -> Void)? {
            guard head < waiting.count else { return nil }
            let job = waiting[head]
            head += 1
            if head > 64 && head * 2 > waiting.count {
                waiting.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    /// - Parameters:
    ///   - threads: items that run at once (at least 1).
    ///   - queueLimit: items that may wait for a thread; more are refused with ``Busy``.
    public init(threads: Int, queueLimit: Int) {
        self.threads = max(1, threads)
        self.queueLimit = max(0, queueLimit)
    }

    /// One thread per CPU, 64 waiting: what ``run(_:)`` and servers without their own use.
    public static let shared = BlockingWork(threads: ProcessorCount.online, queueLimit: 64)

    /// Items running right now.
    public var running: Int { state.withLock { $0.running } }
    /// Items waiting for a thread right now.
    public var waiting: Int { state.withLock { $0.waitingCount } }

    /// Runs `work` on one of this pool's threads and returns its result.
    ///
    /// - Parameters:
    ///   - cancellation: set when the calling task is cancelled or the timeout passes; `work`
    ///     should check it in long loops. A new one is made when nil.
    ///   - timeout: how long the caller waits (queue time included); then ``TimeoutError``.
    /// - Throws: ``Busy`` when the pool and its queue are full; `CancellationError` when the
    ///   caller was cancelled and ``TimeoutError`` at the timeout (the work may still be
    ///   finishing); whatever `work` throws.
    public func run<T: Sendable>(
        cancellation: CancellationFlag? = nil, timeout: Duration? = nil, _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        let flag = cancellation ?? CancellationFlag()
        let call = PendingCall<T>()
        var timer: DispatchWorkItem?
        if let timeout {
            let item = DispatchWorkItem {
                flag.cancel()
                call.finish(.failure(TimeoutError()))
            }
            let nanoseconds =
                timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds)), execute: item)
            timer = item
        }
        defer { timer?.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard call.attach(continuation) else { return }
                let job: @Sendable () -> Void = {
                    // A call that was cancelled while it waited is not started at all.
                    guard !flag.isCancelled else {
                        call.finish(.failure(CancellationError()))
                        return
                    }
                    call.finish(Result { try work() })
                }
                if !self.submit(job) { call.finish(.failure(Busy())) }
            }
        } onCancel: {
            flag.cancel()
            call.finish(.failure(CancellationError()))
        }
    }

    /// Runs `work` on the ``shared`` pool.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await shared.run(work)
    }

    /// Starts `job` now, queues it, or refuses it (false) when the queue is full.
    private func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let startNow = state.withLock { state -> Bool? in
            if state.running < threads {
                state.running += 1
                return true
            }
            guard state.waitingCount < queueLimit else { return nil }
            state.waiting.append(job)
            return false
        }
        guard let startNow else { return false }
        if startNow { start(job) }
        return true
    }

    /// Runs `job` on a thread, then the jobs that waited, one after the other, on that thread's slot.
    private func start(_ job: @escaping @Sendable () -> Void) {
        queue.async {
            job()
            var next = self.state.withLock { state -> (@Sendable () -> Void)? in
                if let next = state.popFirst() { return next }
                state.running -= 1
                return nil
            }
            while let current = next {
                current()
                next = self.state.withLock { state in
                    if let following = state.popFirst() { return following }
                    state.running -= 1
                    return nil
                }
            }
        }
    }
}

/// Set when the request that started some work was cancelled or timed out. Synchronous work
/// running off the task (see ``BlockingWork``) cannot see `Task.isCancelled`; it checks this,
/// through ``RequestContext/isCancelled`` or ``RequestContext/checkCancellation()``.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public var isCancelled: Bool { flag.load(ordering: .relaxed) }

    public func cancel() { flag.store(true, ordering: .relaxed) }

    /// Throws `CancellationError` once cancelled.
    public func check() throws(CancellationError) {
        if isCancelled { throw CancellationError() }
    }
}

/// One caller's continuation, resumed exactly once: by the work's result, by cancellation or
/// by a full queue, whichever comes first.
private final class PendingCall<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var outcome: Result<T, any Error>?
        var resumed = false
    }

    private let state = Mutex(State())

    /// Stores the continuation; false when the call already ended (cancelled before it started).
    func attach(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let outcome = state.outcome {
                state.resumed = true
                return outcome
            }
            state.continuation = continuation
            return nil
        }
        guard let early else { return true }
        continuation.resume(with: early)
        return false
    }

    func finish(_ outcome: Result<T, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<T, any Error>? in
            guard !state.resumed, state.outcome == nil else { return nil }
            guard let continuation = state.continuation else {
                state.outcome = outcome
                return nil
            }
            state.resumed = true
            state.continuation = nil
            return continuation
        }
        continuation?.resume(with: outcome)
    }
}

/// The number of CPUs this process may use.
enum ProcessorCount {
    static let online: Int = {
        #if canImport(Glibc) || canImport(Musl)
            let count = sysconf(Int32(_SC_NPROCESSORS_ONLN))
            return count > 0 ? count : 2
        #else
            return 2
        #endif
    }()
}
