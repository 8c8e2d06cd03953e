import Dispatch
import MCPPlatform
import Synchronization

/// Deadlines of calls in flight, checked every 10 ms by one thread of its own for the whole
/// process: what expires is handed to its closure once, and a call that finishes first removes
/// its deadline — so memory holds only the calls in flight (a dispatch timer per call would keep
/// every finished call until its deadline: a minute of calls at full speed).
///
/// The thread is the package's own, not Dispatch's: a timer on Dispatch's global queue waits for
/// one of its threads, and when calls that are waiting for their own timeout keep all of them
/// busy (Swift's concurrency pool runs on the same threads on Linux), the timeout never comes.
/// With nothing registered the thread sleeps until the next ``add(after:_:)``; a tick before the
/// earliest deadline that may be registered costs one comparison, not a look at every entry
/// (every request registers one, for its body, and removes it milliseconds later).
package final class Deadlines: Sendable {
    struct Entry {
        let deadline: UInt64
        let expire: @Sendable () -> Void
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        /// No registered deadline is earlier than this (a removal may leave it early: a bound).
        var earliest: UInt64 = .max
        var nextID: UInt64 = 0
        /// Ticks that looked at every entry (for tests).
        var scans = 0
        var threadStarted = false
        /// True while the thread waits for a first deadline (it has none).
        var asleep = false
    }

    /// The process's one deadline thread.
    package static let shared = Deadlines()
    /// How often the thread looks for expired deadlines while there are any, in microseconds.
    static let tickMicroseconds: UInt32 = 10_000

    private let state = Mutex(State())
    /// Signalled when a deadline arrives while the thread is asleep.
    private let wake = DispatchSemaphore(value: 0)

    /// Calls `expire` (once, on the deadline thread; it must be quick) when `duration` has
    /// passed, unless the returned id is removed first.
    package func add(after duration: Duration, _ expire: @escaping @Sendable () -> Void) -> UInt64 {
        let nanoseconds = UInt64(max(0, duration.inNanoseconds))
        let deadline = DispatchTime.now().uptimeNanoseconds &+ nanoseconds
        let (id, start, signal) = state.withLock { state -> (UInt64, Bool, Bool) in
            state.nextID &+= 1
            state.entries[state.nextID] = Entry(deadline: deadline, expire: expire)
            state.earliest = min(state.earliest, deadline)
            let start = !state.threadStarted
            let signal = state.asleep
            state.threadStarted = true
            state.asleep = false
            return (state.nextID, start, signal)
        }
        if start {
            PlatformThread.startDetached {
                PlatformThread.nameCurrent("mcp-deadlines")
                self.run()
            }
        }
        if signal { wake.signal() }
        return id
    }

    /// Forgets the deadline `id` (from ``add(after:_:)``); its closure will not be called.
    package func remove(_ id: UInt64) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// Deadlines registered right now (for tests).
    var count: Int { state.withLock { $0.entries.count } }

    /// Ticks so far that looked at every registered deadline (for tests).
    var scans: Int { state.withLock { $0.scans } }

    /// The thread: every tick while deadlines are registered, asleep while none are.
    private func run() {
        while true {
            let idle = state.withLock { state -> Bool in
                state.asleep = state.entries.isEmpty
                return state.asleep
            }
            if idle {
                wake.wait()
                continue
            }
            PlatformThread.sleep(microseconds: Self.tickMicroseconds)
            expireDue()
        }
    }

    private func expireDue() {
        let now = DispatchTime.now().uptimeNanoseconds
        let expired = state.withLock { state -> [Entry] in
            guard now >= state.earliest else { return [] }
            state.scans += 1
            var due: [UInt64] = []
            var earliest = UInt64.max
            for (id, entry) in state.entries {
                if entry.deadline <= now {
                    due.append(id)
                } else {
                    earliest = min(earliest, entry.deadline)
                }
            }
            state.earliest = earliest
            return due.compactMap { state.entries.removeValue(forKey: $0) }
        }
        for entry in expired { entry.expire() }
    }
}

/// How a synchronous function's recent calls went: one that took longer than the pool's
/// slow-call threshold (2 ms by default) is treated as slow for ``memory``, so its calls go to
/// ``BlockingWork``'s threads instead of running inline.
///
/// "Took longer" means the call's own doing, not the machine's: where the platform reports per
/// thread (Linux), a call over the threshold counts only when it used that much CPU or waited
/// (I/O, a lock, a sleep). A cheap call that was merely preempted on a saturated machine does
/// not count — otherwise, under load, every cheap function would soon count as slow and all of
/// its calls would pay for the hop (p99 of `add` doubled).
package final class CallStats: Sendable {
    /// How long a slow call is remembered, in nanoseconds.
    package static let memory: UInt64 = 30_000_000_000

    private let slowUntil = Atomic<UInt64>(0)
    private let quickStreak = Atomic<Int>(0)

    /// Calls in a row within the threshold after which a function counts as proven quick: its
    /// calls no longer read their thread's usage (a system call each) unless one runs long.
    package static let provenStreak = 256

    /// True after ``provenStreak`` calls in a row within the threshold.
    package var isProvenQuick: Bool { quickStreak.load(ordering: .relaxed) >= Self.provenStreak }

    /// Statistics for a function with no calls yet: not slow.
    package init() {}

    /// Whether a call of this function was slow lately.
    package var isSlow: Bool { slowUntil.load(ordering: .relaxed) > DispatchTime.now().uptimeNanoseconds }

    /// Notes a call's duration: longer than `threshold`, the function counts as slow for ``memory``.
    package func record(nanoseconds: UInt64, threshold: UInt64) {
        record(nanoseconds: nanoseconds, cpuNanoseconds: nil, waited: false, threshold: threshold)
    }

    /// Notes a call's wall-clock duration and, when known, what its thread used meanwhile: the
    /// function counts as slow only when the call took longer than `threshold` and, with the
    /// usage known, used more than `threshold` of CPU or waited at least once.
    func record(nanoseconds: UInt64, cpuNanoseconds: UInt64?, waited: Bool, threshold: UInt64) {
        if nanoseconds <= threshold {
            if quickStreak.load(ordering: .relaxed) < Self.provenStreak {
                quickStreak.wrappingAdd(1, ordering: .relaxed)
            }
            return
        }
        quickStreak.store(0, ordering: .relaxed)
        guard
            Self.isSlowCall(
                nanoseconds: nanoseconds, cpuNanoseconds: cpuNanoseconds, waited: waited, threshold: threshold)
        else { return }
        slowUntil.store(DispatchTime.now().uptimeNanoseconds &+ Self.memory, ordering: .relaxed)
    }

    /// Notes a long call of a proven-quick function whose usage was not read: it cannot tell
    /// work from preemption, so it only ends the streak, and the next calls are measured again.
    func recordUnmeasuredLongCall() {
        quickStreak.store(0, ordering: .relaxed)
    }

    /// The rule of ``record(nanoseconds:cpuNanoseconds:waited:threshold:)``.
    static func isSlowCall(nanoseconds: UInt64, cpuNanoseconds: UInt64?, waited: Bool, threshold: UInt64) -> Bool {
        guard nanoseconds > threshold else { return false }
        guard let cpuNanoseconds else { return true }
        return cpuNanoseconds > threshold || waited
    }
}
