import Dispatch
import MCPPlatform
import Synchronization

/// Runs synchronous, possibly CPU-heavy or blocking work off Swift's cooperative pool, a
/// bounded number of items at a time, so slow work never starves the threads that serve other
/// requests (and a worker's heartbeat).
///
/// ``MCPServer`` runs every synchronous tool, resource and prompt function through it — the
/// library decides, not each author. At most `threads` items run at once; up to `queueLimit`
/// more wait; beyond that ``run(cancellation:timeout:_:)`` throws ``Busy`` at once instead of
/// growing a queue (the server answers "busy, retry"). A caller that is cancelled (or times
/// out) stops waiting at once; the work itself learns it through its ``CancellationFlag`` and
/// should stop at its next check, and it holds its thread until it returns — so a call that
/// ignores cancellation still counts against the limit and cannot multiply.
///
/// The hop to another thread costs more than a cheap call itself (a quarter of the request
/// rate of `add`), so a call predicted cheap — small arguments, and no call of the same
/// function slower than 2 ms in the last 30 s by its own doing, not by preemption
/// (``CallStats``) — runs inline instead, at most
/// `inlineLimit` at once (half the CPUs): a misprediction can hold those pool threads for one
/// call, never all of them.
///
/// The pool has two sets of threads under the one `threads` limit: a call predicted cheap that
/// found no inline place runs on a thread of normal priority (it is request work, and under
/// load a low-priority thread would make it wait behind the event loops: p99 of `add` doubled);
/// every other call runs on a thread at nice 10, so heavy work uses idle CPU and never outruns
/// the threads that answer requests and carry the heartbeat. A thread lowers its own priority
/// once; an unprivileged process cannot raise it again, hence two sets rather than one.
///
/// ```swift
/// let count = try await BlockingWork.run { expensiveCount(of: text) }
/// ```
package final class BlockingWork: Sendable {
    /// Thrown when `threads` items run and `queueLimit` more wait: retry later.
    package struct Busy: Error, Sendable, CustomStringConvertible {
        /// A fixed text for the client: the server is busy, retry later.
        package var description: String { "the server is busy; retry later" }
    }

    /// Items that may run at once, across both sets of threads (at least 1).
    package let threads: Int
    /// Heavy items (arguments over 16 KiB) that may wait for a thread; light ones may wait in larger numbers.
    package let queueLimit: Int
    /// Calls predicted cheap that may run inline on the caller's thread at once (0: never inline).
    package let inlineLimit: Int
    /// A call longer than this (nanoseconds) makes its function count as slow (``CallStats``).
    package let slowCallNanoseconds: UInt64
    private let inlineRunning = Atomic<Int>(0)
    private let state = Mutex(State())
    /// Per priority: counts jobs handed to that set of threads and not yet taken by one.
    private let wakes = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
    private let threadsStarted = Atomic<Bool>(false)

    /// A queued call: runs its work and returns what resumes its caller (called once the
    /// thread's place is handed on, so a caller never finds its own place still taken).
    typealias Job = @Sendable () -> (@Sendable () -> Void)

    /// Which set of threads runs a job.
    enum Priority: Int, Sendable {
        /// Request work predicted cheap: threads of normal priority.
        case normal = 0
        /// Everything else: threads at ``WorkerThread/niceness``.
        case low = 1
    }

    private struct Queued {
        let job: Job
        let heavy: Bool
        let priority: Priority
    }

    private struct State {
        /// Jobs holding one of the `threads` places, whichever set runs them.
        var running = 0
        /// Per priority: jobs given a place (``running``) that a thread has not picked up yet.
        var ready: [[Job]] = [[], []]
        var waiting: [Queued] = []
        var head = 0
        var waitingHeavy = 0

        var waitingCount: Int { waiting.count - head }

        mutating func popFirst() -> Queued? {
            guard head < waiting.count else { return nil }
            let queued = waiting[head]
            head += 1
            if queued.heavy { waitingHeavy -= 1 }
            if head > 64 && head * 2 > waiting.count {
                waiting.removeFirst(head)
                head = 0
            }
            return queued
        }
    }

    /// - Parameters:
    ///   - threads: items that run at once (at least 1); each set of threads has this many, started
    ///     on first use.
    ///   - queueLimit: heavy items (arguments over 16 KiB) that may wait for a thread; more are
    ///     refused with ``Busy``. Light items hold little while they wait: up to 16 times as many
    ///     of them (at least 256) may wait.
    ///   - inlineLimit: calls predicted cheap that may run inline at once; default half the CPUs.
    ///   - slowCall: a call longer than this sends its function's next calls to the threads.
    package init(threads: Int, queueLimit: Int, inlineLimit: Int? = nil, slowCall: Duration = .milliseconds(2)) {
        self.threads = max(1, threads)
        self.queueLimit = max(0, queueLimit)
        self.inlineLimit = max(0, inlineLimit ?? max(1, ProcessorCount.online / 2))
        self.slowCallNanoseconds = UInt64(max(0, slowCall.inNanoseconds))
    }

    /// One thread per CPU, 64 waiting: what ``run(_:)`` and servers without their own use.
    package static let shared = BlockingWork(threads: ProcessorCount.online, queueLimit: 64)

    /// Items running right now.
    package var running: Int { state.withLock { $0.running } }
    /// Items waiting for a thread right now.
    package var waiting: Int { state.withLock { $0.waitingCount } }

    /// Runs `work` on one of this pool's threads and returns its result.
    ///
    /// - Parameters:
    ///   - cancellation: set when the calling task is cancelled or the timeout passes; `work`
    ///     should check it in long loops. A new one is made when nil.
    ///   - timeout: how long the caller waits (queue time included); then ``TimeoutError``.
    /// - Throws: ``Busy`` when the pool and its queue are full; `CancellationError` when the
    ///   caller was cancelled and ``TimeoutError`` at the timeout (the work may still be
    ///   finishing); whatever `work` throws.
    package func run<T: Sendable>(
        cancellation: CancellationFlag? = nil, timeout: Duration? = nil, _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await run(heavy: true, priority: .low, stats: nil, cancellation: cancellation, timeout: timeout, work)
    }

    func run<T: Sendable>(
        heavy: Bool, priority: Priority, stats: CallStats?, cancellation: CancellationFlag?, timeout: Duration?,
        _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        let flag = cancellation ?? CancellationFlag()
        let call = PendingCall<T>()
        let deadline = timeout.map { timeout in
            Deadlines.shared.add(after: timeout) {
                flag.cancel()
                call.finish(.failure(TimeoutError()))
            }
        }
        defer { if let deadline { Deadlines.shared.remove(deadline) } }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard call.attach(continuation) else { return }
                let job: Job = {
                    // A call that was cancelled while it waited is not started at all.
                    let outcome: Result<T, any Error> =
                        flag.isCancelled
                        ? .failure(CancellationError()) : self.measured(stats) { Result { try work() } }
                    return { call.finish(outcome) }
                }
                if !self.submit(Queued(job: job, heavy: heavy, priority: priority)) {
                    call.finish(.failure(Busy()))
                }
            }
        } onCancel: {
            flag.cancel()
            call.finish(.failure(CancellationError()))
        }
    }

    /// Runs a synchronous function for the server: inline when it is predicted cheap (`small`
    /// arguments, `stats` not slow lately) and an inline place is free, else on the threads like
    /// ``run(cancellation:timeout:_:)`` — of normal priority when predicted cheap. Either way the duration goes into `stats`, and the
    /// timeout sets `cancellation` (an inline call cannot be abandoned, only told to stop).
    func perform<T: Sendable>(
        stats: CallStats, small: Bool, cancellation: CancellationFlag, timeout: Duration?,
        _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        let cheap = small && !stats.isSlow
        guard cheap, takeInlinePlace() else {
            return try await run(
                heavy: !small, priority: cheap ? .normal : .low, stats: stats, cancellation: cancellation,
                timeout: timeout, work)
        }
        defer { inlineRunning.wrappingSubtract(1, ordering: .relaxed) }
        let timedOut = CancellationFlag()
        let deadline = timeout.map { timeout in
            Deadlines.shared.add(after: timeout) {
                timedOut.cancel()
                cancellation.cancel()
            }
        }
        defer { if let deadline { Deadlines.shared.remove(deadline) } }
        do {
            return try measured(stats) { try work() }
        } catch is CancellationError where timedOut.isCancelled {
            throw TimeoutError()
        }
    }

    /// `body`'s result, its duration noted in `stats` (the work's own time, not its wait in the
    /// queue), with what its thread used when the call ran past the threshold: one `getrusage`
    /// before the call and a second only after a long one — none for a proven-quick function
    /// (``CallStats/isProvenQuick``), whose one long call then only ends its streak.
    private func measured<R>(_ stats: CallStats?, _ body: () throws -> R) rethrows -> R {
        guard let stats else { return try body() }
        let proven = stats.isProvenQuick
        let before = proven ? nil : ThreadUsage.current()
        let started = DispatchTime.now().uptimeNanoseconds
        defer { note(stats, started: started, before: before, proven: proven) }
        return try body()
    }

    /// The end of ``measured(_:_:)``: what the call's duration and usage say about its function.
    private func note(_ stats: CallStats, started: UInt64, before: ThreadUsage?, proven: Bool) {
        let elapsed = DispatchTime.now().uptimeNanoseconds &- started
        if proven && elapsed > slowCallNanoseconds {
            stats.recordUnmeasuredLongCall()
            return
        }
        var cpu: UInt64?
        var waited = false
        if elapsed > slowCallNanoseconds, let before, let after = ThreadUsage.current() {
            cpu = after.cpuNanoseconds &- before.cpuNanoseconds
            waited = after.voluntarySwitches > before.voluntarySwitches
        }
        stats.record(nanoseconds: elapsed, cpuNanoseconds: cpu, waited: waited, threshold: slowCallNanoseconds)
    }

    private func takeInlinePlace() -> Bool {
        var current = inlineRunning.load(ordering: .relaxed)
        while current < inlineLimit {
            let (exchanged, original) = inlineRunning.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiring)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Runs `work` on the ``shared`` pool.
    package static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await shared.run(work)
    }

    /// Starts `queued` now, queues it, or refuses it (false) when its queue is full.
    private func submit(_ queued: Queued) -> Bool {
        startThreads()
        let startNow = state.withLock { state -> Bool? in
            if state.running < threads {
                state.running += 1
                state.ready[queued.priority.rawValue].append(queued.job)
                return true
            }
            let full =
                queued.heavy
                ? state.waitingHeavy >= queueLimit : state.waitingCount >= max(256, queueLimit * 16)
            guard !full else { return nil }
            state.waiting.append(queued)
            if queued.heavy { state.waitingHeavy += 1 }
            return false
        }
        guard let startNow else { return false }
        if startNow { wake(queued.priority) }
        return true
    }

    /// Wakes one thread of the set that runs `priority`'s jobs.
    private func wake(_ priority: Priority) {
        wakes[priority.rawValue].signal()
    }

    /// Starts both sets of threads, once, from a caller's thread: a new thread inherits its
    /// creator's niceness, so one made by a low-priority thread could never run at normal priority.
    private func startThreads() {
        // A plain load first: after the first call, no write to a line every caller shares.
        guard !threadsStarted.load(ordering: .acquiring),
            !threadsStarted.exchange(true, ordering: .acquiringAndReleasing)
        else { return }
        for priority in [Priority.normal, .low] {
            for _ in 0..<threads { WorkerThread.start(self, priority: priority) }
        }
    }

    /// A pool thread: takes a job, then the jobs that waited, one after the other, in its place.
    /// A waiting job of the other priority gets the place and goes to a thread of its own set.
    fileprivate func serve(_ priority: Priority) {
        let own = priority.rawValue
        while true {
            wakes[own].wait()
            var current = state.withLock { $0.ready[own].isEmpty ? nil : $0.ready[own].removeFirst() }
            while let job = current {
                let resume = job()
                let (next, handedTo) = state.withLock { state -> (Job?, Priority?) in
                    guard let queued = state.popFirst() else {
                        state.running -= 1
                        return (nil, nil)
                    }
                    if queued.priority == priority { return (queued.job, nil) }
                    state.ready[queued.priority.rawValue].append(queued.job)
                    return (nil, queued.priority)
                }
                if let handedTo { wake(handedTo) }
                current = next
                resume()
            }
        }
    }
}

/// The pool's own threads (not Dispatch's, which Swift's concurrency pool and other work share).
/// A low-priority one lowers its own scheduling priority to nice 10, about a tenth of a normal
/// thread's CPU share when both want the CPU, so heavy work uses idle CPU and the threads that
/// answer requests and carry the heartbeat get the CPU first.
enum WorkerThread {
    static let niceness: Int32 = 10

    static func start(_ pool: BlockingWork, priority: BlockingWork.Priority) {
        _ = PlatformThread.startDetached(niceness: priority == .low ? niceness : nil) {
            PlatformThread.nameCurrent(priority == .low ? "mcp-tool-low" : "mcp-tool")
            pool.serve(priority)
        }
    }
}

/// Set when the request that started some work was cancelled or timed out. Synchronous work
/// running off the task (see ``BlockingWork``) cannot see `Task.isCancelled`; it checks this,
/// through ``HandlerContext/isCancelled`` or ``HandlerContext/checkCancellation()``.
package final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// A flag that is not set.
    package init() {}

    /// True once ``cancel()`` was called.
    package var isCancelled: Bool { flag.load(ordering: .relaxed) }

    /// Sets the flag; it stays set.
    package func cancel() { flag.store(true, ordering: .relaxed) }

    /// Throws `CancellationError` once cancelled.
    package func check() throws(CancellationError) {
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
        let count = Processors.online
        return count > 0 ? count : 2
    }()
}
