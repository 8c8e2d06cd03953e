#if canImport(Glibc)
    import Glibc
    import Testing

    @testable import MCPCore

    /// Which of ``BlockingWork``'s two sets of threads runs a call: request work predicted cheap
    /// at normal priority, everything else at nice 10.
    @Suite("Blocking work priorities")
    struct BlockingWorkPriorityTests {
        /// The niceness of the calling thread (Linux: `getpriority` of thread id 0 is this thread).
        static func niceness() -> Int32 {
            errno = 0
            return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        }

        @Test func aCheapCallWithoutAnInlinePlaceRunsAtNormalPriority() async throws {
            let pool = BlockingWork(threads: 2, queueLimit: 4, inlineLimit: 0, slowCall: .seconds(3600))
            let stats = CallStats()
            let cheap = try await pool.perform(
                stats: stats, small: true, cancellation: CancellationFlag(), timeout: nil, Self.niceness)
            #expect(cheap == 0)
            let large = try await pool.perform(
                stats: stats, small: false, cancellation: CancellationFlag(), timeout: nil, Self.niceness)
            #expect(large == WorkerThread.niceness)
            stats.record(nanoseconds: 10_000_000_000, threshold: 1)
            let slow = try await pool.perform(
                stats: stats, small: true, cancellation: CancellationFlag(), timeout: nil, Self.niceness)
            #expect(slow == WorkerThread.niceness, "slow lately: low priority")
            let explicit = try await pool.run(Self.niceness)
            #expect(explicit == WorkerThread.niceness, "BlockingWork.run is for heavy work")
        }

        /// One limit for both sets: a cheap call that waited behind heavy work gets the place the
        /// heavy call frees, and still runs at normal priority; the heavy one behind it, at nice 10.
        @Test func waitingCallsKeepTheirPriorityWhenAPlaceFrees() async throws {
            let pool = BlockingWork(threads: 1, queueLimit: 4, inlineLimit: 0, slowCall: .seconds(3600))
            let held = await HeldThread(of: pool)
            let stats = CallStats()
            let cheap = Task {
                try await pool.perform(
                    stats: stats, small: true, cancellation: CancellationFlag(), timeout: nil, Self.niceness)
            }
            while pool.waiting < 1 { await Task.yield() }
            let heavy = Task {
                try await pool.perform(
                    stats: stats, small: false, cancellation: CancellationFlag(), timeout: nil, Self.niceness)
            }
            while pool.waiting < 2 { await Task.yield() }
            #expect(pool.running == 1, "the one place is held; both wait")
            try await held.release()
            #expect(try await cheap.value == 0)
            #expect(try await heavy.value == WorkerThread.niceness)
            #expect(pool.running == 0 && pool.waiting == 0)
        }
    }
#endif
