import Dispatch
import MCPPlatform
import Testing

@testable import MCPCore

/// What makes a synchronous function count as slow (its calls then hop to BlockingWork's
/// threads): its own work or waiting, not preemption on a saturated machine.
@Suite("Slow calls: the function's doing, not the machine's")
struct CallStatsTests {
    static let threshold: UInt64 = 2_000_000

    @Test func aCallWithinTheThresholdIsNeverSlow() {
        #expect(
            !CallStats.isSlowCall(nanoseconds: 2_000_000, cpuNanoseconds: nil, waited: true, threshold: Self.threshold))
        #expect(
            !CallStats.isSlowCall(
                nanoseconds: 1_000, cpuNanoseconds: 3_000_000, waited: true, threshold: Self.threshold))
    }

    @Test func aLongCallThatOnlyWaitedForACPUIsNotSlow() {
        // 20 ms of wall clock, 50 µs of CPU, never blocked: preempted on a busy machine.
        #expect(
            !CallStats.isSlowCall(
                nanoseconds: 20_000_000, cpuNanoseconds: 50_000, waited: false, threshold: Self.threshold))
    }

    @Test func aLongCallThatWorkedOrBlockedIsSlow() {
        #expect(
            CallStats.isSlowCall(
                nanoseconds: 20_000_000, cpuNanoseconds: 2_000_001, waited: false, threshold: Self.threshold))
        #expect(
            CallStats.isSlowCall(
                nanoseconds: 20_000_000, cpuNanoseconds: 10_000, waited: true, threshold: Self.threshold))
    }

    @Test func withoutPerThreadFiguresTheWallClockDecides() {
        #expect(
            CallStats.isSlowCall(nanoseconds: 2_000_001, cpuNanoseconds: nil, waited: false, threshold: Self.threshold))
    }

    /// Through the pool, with this platform's per-thread figures: a call that sleeps (waits) and
    /// one that spins (works) past the threshold both make their function slow; a quick one does not.
    @Test func sleepingOrSpinningPastTheThresholdMakesTheFunctionSlow() async throws {
        let pool = BlockingWork(threads: 1, queueLimit: 4, inlineLimit: 1, slowCall: .milliseconds(2))
        let quick = CallStats()
        _ = try await pool.perform(stats: quick, small: true, cancellation: CancellationFlag(), timeout: nil) { 1 + 1 }
        #expect(!quick.isSlow)

        let sleeper = CallStats()
        _ = try await pool.perform(stats: sleeper, small: true, cancellation: CancellationFlag(), timeout: nil) {
            Self.sleep(milliseconds: 10)
        }
        #expect(sleeper.isSlow)

        let spinner = CallStats()
        _ = try await pool.perform(stats: spinner, small: true, cancellation: CancellationFlag(), timeout: nil) {
            Self.spin(milliseconds: 10)
        }
        #expect(spinner.isSlow)
    }

    /// A function with a streak of quick calls stops reading its thread's usage; its first long
    /// call (which then cannot tell work from preemption) only ends the streak, and the next long
    /// call, measured again, makes it slow.
    @Test func aProvenQuickFunctionIsMeasuredAgainAfterOneLongCall() async throws {
        let stats = CallStats()
        for _ in 0..<(CallStats.provenStreak - 1) { stats.record(nanoseconds: 1_000, threshold: Self.threshold) }
        #expect(!stats.isProvenQuick)
        stats.record(nanoseconds: 1_000, threshold: Self.threshold)
        #expect(stats.isProvenQuick)

        let pool = BlockingWork(threads: 1, queueLimit: 4, inlineLimit: 1, slowCall: .milliseconds(2))
        _ = try await pool.perform(stats: stats, small: true, cancellation: CancellationFlag(), timeout: nil) {
            Self.spin(milliseconds: 10)
        }
        #expect(!stats.isProvenQuick && !stats.isSlow)
        _ = try await pool.perform(stats: stats, small: true, cancellation: CancellationFlag(), timeout: nil) {
            Self.spin(milliseconds: 10)
        }
        #expect(stats.isSlow)
    }

    /// Blocks this thread (a wait, not work) for `milliseconds`.
    static func sleep(milliseconds: Int) {
        _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .milliseconds(milliseconds))
    }

    /// Busy work on this thread until it has used `milliseconds` of CPU (by the thread's own
    /// figures where the platform has them, else of wall clock).
    static func spin(milliseconds: UInt64) -> UInt64 {
        let budget = milliseconds * 1_000_000
        let startCPU = ThreadUsage.current()?.cpuNanoseconds
        let startWall = DispatchTime.now().uptimeNanoseconds
        var sum: UInt64 = 0
        while true {
            for _ in 0..<10_000 { sum &+= 1 }
            if let startCPU, let now = ThreadUsage.current()?.cpuNanoseconds {
                if now &- startCPU >= budget { return sum }
            } else if DispatchTime.now().uptimeNanoseconds &- startWall >= budget {
                return sum
            }
        }
    }
}
