import Foundation
import Testing

@testable import MCPHTTP

/// A worker waits for its request quota through `ServerStatus.requestsReaching` instead of
/// polling the count: the wait ends when the quota-th request finishes, not before, and ends
/// when the waiting task is cancelled.
@Suite("The request quota is signalled, not polled")
struct RequestQuotaTests {
    /// Whether the stream yielded (true) or ended (false).
    private static func firstEvent(of stream: AsyncStream<Void>) async -> Bool {
        for await _ in stream { return true }
        return false
    }

    /// Whether the stream yields within `milliseconds`: an element already there is taken at
    /// once; a stream that has none by then is cancelled, which ends it.
    private static func yieldsSoon(_ stream: AsyncStream<Void>, milliseconds: Int = 100) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await firstEvent(of: stream) }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(milliseconds))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    @Test("yields when the quota-th request finishes, not one request earlier")
    func yieldsAtTheQuota() async {
        let status = ServerStatus()
        let early = status.requestsReaching(5)
        for _ in 0..<4 { status.record(failed: false, mcp: true) }
        #expect(await Self.yieldsSoon(early) == false, "signalled after 4 of 5 requests")
        // Waiting again (the count is 4): only the fifth request can signal it.
        let onTime = status.requestsReaching(5)
        status.record(failed: true, mcp: false)
        #expect(await Self.firstEvent(of: onTime))
        #expect(status.requests == 5)
    }

    @Test("yields at once when the quota was already reached")
    func alreadyReached() async {
        let status = ServerStatus()
        for _ in 0..<3 { status.record(failed: false, mcp: false) }
        #expect(await Self.firstEvent(of: status.requestsReaching(2)))
        #expect(await Self.firstEvent(of: status.requestsReaching(3)))
    }

    @Test("ends without yielding when the waiting task is cancelled")
    func cancelled() async {
        let status = ServerStatus()
        let stream = status.requestsReaching(1_000)
        let waiter = Task { await Self.firstEvent(of: stream) }
        waiter.cancel()
        #expect(await waiter.value == false)
    }

    @Test("counted from many threads at once, the quota is signalled exactly when reached")
    func concurrentRecords() async throws {
        let status = ServerStatus()
        let quota = 40_000
        let stream = status.requestsReaching(quota)
        let waiter = Task { await Self.firstEvent(of: stream) }
        // Four threads record 10,000 requests each, racing on the count.
        let threads = (0..<4).map { _ in
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                for _ in 0..<10_000 { status.record(failed: false, mcp: true) }
                done.signal()
            }
            thread.start()
            return done
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // Waiting on the semaphores would block a pool thread: wait on a thread of our own.
            Thread {
                for done in threads { done.wait() }
                continuation.resume()
            }.start()
        }
        #expect(status.requests == quota)
        #expect(await waiter.value)
    }
}
