import Dispatch
import Synchronization
import Testing

@testable import MCPCore

/// The process-wide deadlines behind every tool timeout: they must fire even when every thread
/// of Dispatch (and so Swift's concurrency pool on Linux) is busy — typically with calls that
/// spin until their own timeout tells them to stop.
@Suite("Deadlines: timeouts fire on a thread of their own")
struct DeadlinesTests {
    /// What the spinning threads saw: how many stopped because the deadline fired, how many
    /// because they gave up.
    final class Observation: Sendable {
        let fired = Atomic<Bool>(false)
        let stoppedByDeadline = Atomic<Int>(0)
        let gaveUp = Atomic<Int>(0)
    }

    @Test func aDeadlineFiresWhileEveryDispatchThreadIsBusy() async {
        let deadlines = Deadlines()
        let seen = Observation()
        let group = DispatchGroup()
        // Twice as many spinners as CPUs: Dispatch runs as many at once as there are CPUs and
        // adds threads only for blocked ones, never for busy ones.
        let spinners = ProcessorCount.online * 2
        let giveUp = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
        for _ in 0..<spinners {
            group.enter()
            DispatchQueue.global().async {
                while !seen.fired.load(ordering: .acquiring) && DispatchTime.now().uptimeNanoseconds < giveUp {}
                if seen.fired.load(ordering: .acquiring) {
                    seen.stoppedByDeadline.add(1, ordering: .relaxed)
                } else {
                    seen.gaveUp.add(1, ordering: .relaxed)
                }
                group.leave()
            }
        }
        _ = deadlines.add(after: .milliseconds(30)) { seen.fired.store(true, ordering: .releasing) }
        await withCheckedContinuation { continuation in
            group.notify(queue: .global()) { continuation.resume() }
        }
        #expect(seen.gaveUp.load(ordering: .relaxed) == 0)
        #expect(seen.stoppedByDeadline.load(ordering: .relaxed) == spinners)
        #expect(deadlines.count == 0)
    }

    @Test func aRemovedDeadlineNeverFires() async throws {
        let deadlines = Deadlines()
        let fired = Atomic<Int>(0)
        let removed = deadlines.add(after: .milliseconds(20)) { fired.add(1, ordering: .relaxed) }
        #expect(deadlines.count == 1)
        deadlines.remove(removed)
        #expect(deadlines.count == 0)
        // A later deadline that does fire proves the thread ran past the removed one's time.
        await waitForDeadline(in: deadlines, after: .milliseconds(60))
        #expect(fired.load(ordering: .relaxed) == 0)
    }

    @Test func theThreadWakesForADeadlineAfterSleepingWithNone() async {
        let deadlines = Deadlines()
        await waitForDeadline(in: deadlines, after: .milliseconds(5))
        #expect(deadlines.count == 0)
        // Nothing registered: the thread sleeps; a new deadline must wake it.
        try? await Task.sleep(for: .milliseconds(50))
        await waitForDeadline(in: deadlines, after: .milliseconds(5))
        #expect(deadlines.count == 0)
    }

    @Test func eachExpiredDeadlineFiresOnce() async {
        let deadlines = Deadlines()
        let fired = Mutex<[Int]>([])
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            for index in 0..<50 {
                _ = deadlines.add(after: .milliseconds(index % 5)) {
                    let all = fired.withLock { fired -> Bool in
                        fired.append(index)
                        return fired.count == 50
                    }
                    if all { continuation.resume() }
                }
            }
        }
        try? await Task.sleep(for: .milliseconds(30))
        #expect(fired.withLock { $0.sorted() } == Array(0..<50))
        #expect(deadlines.count == 0)
    }

    /// A later deadline registered first does not hide an earlier one, and removing the earliest
    /// does not hide the next.
    @Test func theEarliestDeadlineFiresWhateverTheOrderOfAddsAndRemoves() async {
        let deadlines = Deadlines()
        let late = deadlines.add(after: .seconds(60)) {}
        await waitForDeadline(in: deadlines, after: .milliseconds(20))
        let early = deadlines.add(after: .milliseconds(10)) {}
        deadlines.remove(early)
        await waitForDeadline(in: deadlines, after: .milliseconds(40))
        #expect(deadlines.count == 1)
        deadlines.remove(late)
        #expect(deadlines.count == 0)
    }

    /// While the only deadline is far away, the thread's ticks (every 10 ms) do not look at the
    /// entries: at most the first tick does, to learn where the earliest one is.
    @Test func ticksBeforeTheEarliestDeadlineDoNotScan() async throws {
        let deadlines = Deadlines()
        await waitForDeadline(in: deadlines, after: .milliseconds(1))
        let before = deadlines.scans
        let far = deadlines.add(after: .seconds(60)) {}
        try await Task.sleep(for: .milliseconds(200))
        #expect(deadlines.scans - before <= 1, "about 20 ticks passed")
        deadlines.remove(far)
    }

    /// Suspends until a deadline of `duration` in `deadlines` has fired.
    private func waitForDeadline(in deadlines: Deadlines, after duration: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            _ = deadlines.add(after: duration) { continuation.resume() }
        }
    }
}
