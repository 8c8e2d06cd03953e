import Dispatch
import Foundation
import MCPTesting
import Synchronization
import Testing

@testable import MCPCore

/// A latch between a synchronous tool (on a ``BlockingWork`` thread) and a test (on the pool).
final class Latch: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func open() { semaphore.signal() }
    /// Blocks this thread (tools only); at most 30 s, a guard against hanging the run, not a timing assertion.
    func block() -> Bool { semaphore.wait(timeout: .now() + 30) == .success }
    /// Waits on a thread of its own, never one of the concurrency pool's. Not on
    /// `DispatchQueue.global()`: on Linux the pool's jobs run on those very threads (as many as
    /// CPUs), so three waits there stalled every other test of the run, the tasks that would
    /// open these latches included, until Dispatch noticed and added threads.
    func wait() async -> Bool {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.block()) }.start()
        }
    }
}

/// One of a pool's threads held by heavy work until ``release()``: what makes later calls wait.
struct HeldThread {
    private let latch = Latch()
    private let task: Task<Void, any Error>

    /// Returns once the work holds its thread.
    init(of pool: BlockingWork) async {
        let latch = latch
        let started = Latch()
        task = Task {
            try await pool.run {
                started.open()
                _ = latch.block()
            }
        }
        #expect(await started.wait())
    }

    /// Lets the work end and waits until it has.
    func release() async throws {
        latch.open()
        try await task.value
    }
}

/// Tools for the limits: one of a given output size, one that blocks, one that spins until cancelled.
final class LimitTools: Sendable {
    let started = Latch()
    let release = Latch()
    let stopped = Latch()
    let sawCancellation = Atomic<Bool>(false)

    var tools: [ToolDefinition] {
        [
            ToolDefinition(
                name: "sized",
                parameters: [ToolParameter("n", Int.self), ToolParameter("pad", String.self, default: "")],
                output: ToolResult.self
            ) { arguments, _ in
                ToolResult(content: [.text(String(repeating: "a", count: try arguments.value("n")))])
            },
            ToolDefinition(
                name: "blocking", parameters: [ToolParameter("pad", String.self, default: "")], output: String.self
            ) { [started, release] _, _ in
                started.open()
                _ = release.block()
                return "released"
            },
            ToolDefinition(name: "spin", output: String.self) { [self] _, context in
                started.open()
                var spins = 0
                while !context.isCancelled { spins &+= 1 }
                sawCancellation.store(true, ordering: .relaxed)
                stopped.open()
                return "stopped after \(spins)"
            },
            ToolDefinition(name: "stubborn", output: String.self) { [started, release, stopped] _, _ in
                started.open()
                _ = release.block()  // ignores cancellation
                stopped.open()
                return "late"
            },
        ]
    }

    func client(
        maxResultBytes: Int = 1 << 20, threads: Int = 2, queue: Int = 8, timeout: Duration? = .seconds(60)
    ) throws -> MCPTestClient {
        var configuration = ServerConfiguration(info: ServerInfo(name: "limits", version: "0"))
        configuration.maxResultBytes = maxResultBytes
        // Nothing inline: these tests are about the bounded threads and queue.
        configuration.blockingWork = BlockingWork(threads: threads, queueLimit: queue, inlineLimit: 0)
        configuration.toolTimeout = timeout
        return MCPTestClient(
            server: MCPServer(registry: try Registry(tools: tools), configuration: configuration), mode: .modern)
    }

    /// Arguments over 16 KiB: such a call counts against the (heavy) queue limit.
    static let heavy: JSONValue = .string(String(repeating: "x", count: 20_000))
}

@Suite("Bounded work per request")
struct BoundedWorkTests {
    /// The JSON size of `sized`'s result for `n`, as the server measures it.
    func resultSize(_ n: Int) -> Int {
        let result = ToolResult(content: [.text(String(repeating: "a", count: n))])
        return JSONWriter.bytes(.object(result.json(for: .v2026_07_28))).count
    }

    @Test func aResultOfExactlyTheLimitPassesAndOneByteMoreIsRefused() async throws {
        let limit = 4096
        let overhead = resultSize(0)
        let client = try LimitTools().client(maxResultBytes: limit)
        let fits = try await client.callTool("sized", ["n": .int(limit - overhead)])
        #expect(fits["isError"] == false)
        #expect(fits.text?.count == limit - overhead)
        let over = try await client.callTool("sized", ["n": .int(limit - overhead + 1)])
        #expect(over["isError"] == true)
        #expect(over.text?.contains("4096-byte limit (MAX_RESULT_SIZE)") == true)
    }

    @Test func encodedLengthIsTheWriterLengthAndStopsAtTheLimit() {
        let values: [JSONValue] = [
            .null, true, false, 0, -1, .int(Int.max), .int(Int.min), 1.5, -0.25, .double(.infinity), "", "plain",
            "quote\" back\\ nl\n tab\t bell\u{07} é 😀", [], [:], [1, [2, [3, "x"]], ["k": [:]]],
            ["a": 1, "b": ["c": [true, nil]], "d": "\u{0}"],
        ]
        for value in values {
            let compact = JSONWriter.bytes(value).count
            #expect(JSONWriter.encodedLength(of: value, limit: compact) == compact, "\(value)")
            #expect(JSONWriter.encodedLength(of: value, limit: compact - 1) == nil, "\(value)")
            // The quick bound decides alone far from the limit; at the limit the exact count does.
            for limit in [compact - 1, compact, compact + 1, 6 * compact + 2] {
                #expect(JSONWriter.fits(value, within: limit) == (compact <= limit), "\(value) \(limit)")
            }
            for indent in [0, 2, 8] {
                let pretty = JSONWriter.pretty(value, indent: indent).count
                #expect(
                    JSONWriter.prettyLength(of: value, indent: indent, limit: pretty) == pretty, "\(value) \(indent)")
                #expect(JSONWriter.pretty(value, indent: indent, limit: pretty - 1) == nil)
            }
        }
    }

    @Test func prettyPrintingAnAmplifyingValueIsRefusedBeforeItIsBuilt() {
        // 60 nested one-element arrays: 121 bytes compact; indent 8 puts up to 480 spaces on each line.
        var value: JSONValue = 1
        for _ in 0..<60 { value = [value] }
        #expect(JSONWriter.bytes(value).count == 121)
        let pretty = JSONWriter.pretty(value, indent: 8).count
        #expect(pretty > 200 * 121)
        #expect(JSONWriter.pretty(value, indent: 8, limit: 10_000) == nil)
        #expect(JSONWriter.pretty(value, indent: 8, limit: pretty)?.count == pretty)
    }

    @Test func duplicateKeysAreFoldedToTheirLastValueInTheirFirstPlace() {
        let parsed = try! JSONParser.parse(#"{"a":1,"b":{"x":1,"x":2},"a":3}"#)
        #expect(JSONWriter.string(parsed.uniquingKeys()) == #"{"a":3,"b":{"x":2}}"#)
    }
}

@Suite("Synchronous work off the pool")
struct BlockingWorkTests {
    @Test func callsBeyondThreadsAndQueueAreAnsweredBusy() async throws {
        let tools = LimitTools()
        let client = try tools.client(threads: 1, queue: 0)
        async let first = client.send("tools/call", ["name": "blocking", "arguments": [:]])
        #expect(await tools.started.wait())
        let second = try await client.send("tools/call", ["name": "blocking", "arguments": ["pad": LimitTools.heavy]])
        #expect(second["error"]?["code"] == .int(JSONRPCError.serverBusyCode))
        #expect(second["error"]?["data"]?["retryAfterSeconds"] == 1)
        tools.release.open()
        let answer = try await first
        #expect(answer["result"]?["content"]?[0]?["text"] == "released")
        // The thread is free again.
        let later = try await client.callTool("sized", ["n": 3])
        #expect(later["isError"] == false)
    }

    @Test func aQueuedCallWaitsForTheThread() async throws {
        let tools = LimitTools()
        let pool = BlockingWork(threads: 1, queueLimit: 1, inlineLimit: 0)
        var configuration = ServerConfiguration(info: ServerInfo(name: "limits", version: "0"))
        configuration.blockingWork = pool
        let client = MCPTestClient(
            server: MCPServer(registry: try Registry(tools: tools.tools), configuration: configuration))
        async let first = client.send("tools/call", ["name": "blocking", "arguments": [:]])
        #expect(await tools.started.wait())
        async let second = client.callTool("sized", ["n": 2, "pad": LimitTools.heavy])
        while pool.waiting == 0 { await Task.yield() }
        // Busy only once both the thread and the one place in the queue are taken.
        let third = try await client.send(
            "tools/call", ["name": "sized", "arguments": ["n": 1, "pad": LimitTools.heavy]])
        #expect(third["error"]?["code"] == .int(JSONRPCError.serverBusyCode))
        tools.release.open()
        _ = try await first
        #expect(try await second["content"]?[0]?["text"] == "aa")
    }

    @Test func theToolTimeoutStopsSynchronousWorkThatChecksForCancellation() async throws {
        let tools = LimitTools()
        let client = try tools.client(timeout: .milliseconds(200))
        let result = try await client.callTool("spin")
        #expect(result["isError"] == true)
        #expect(result.text == "Tool 'spin' timed out")
        #expect(await tools.stopped.wait(), "the loop saw the cancellation and ended")
        let saw = tools.sawCancellation.load(ordering: .relaxed)
        #expect(saw)
    }

    @Test func workThatIgnoresTheTimeoutIsAnsweredAtTheTimeoutAndKeepsItsThread() async throws {
        let tools = LimitTools()
        var configuration = ServerConfiguration(info: ServerInfo(name: "limits", version: "0"))
        let pool = BlockingWork(threads: 1, queueLimit: 0, inlineLimit: 0)
        configuration.blockingWork = pool
        configuration.toolTimeout = .milliseconds(100)
        let client = MCPTestClient(
            server: MCPServer(registry: try Registry(tools: tools.tools), configuration: configuration))
        let result = try await client.callTool("stubborn")
        #expect(result.text == "Tool 'stubborn' timed out")
        // Still running: it holds the only thread, so the next call is busy, not a second thread.
        #expect(pool.running == 1)
        let next = try await client.send(
            "tools/call", ["name": "sized", "arguments": ["n": 1, "pad": LimitTools.heavy]])
        #expect(next["error"]?["code"] == .int(JSONRPCError.serverBusyCode))
        tools.release.open()
        #expect(await tools.stopped.wait())
    }

    @Test func aCallCancelledWhileQueuedNeverStarts() async throws {
        let pool = BlockingWork(threads: 1, queueLimit: 4, inlineLimit: 0)
        let ran = Atomic<Bool>(false)
        let held = await HeldThread(of: pool)
        let queued = Task { try await pool.run { ran.store(true, ordering: .relaxed) } }
        while pool.waiting == 0 { await Task.yield() }
        queued.cancel()
        await #expect(throws: CancellationError.self) { try await queued.value }
        try await held.release()
        // The queued job got the thread after the blocker and saw it was cancelled.
        let after = try await pool.run { 7 }
        #expect(after == 7)
        let didRun = ran.load(ordering: .relaxed)
        #expect(!didRun)
    }
}

/// The fast path: a call predicted cheap runs inline (one at a time), anything else goes to the threads.
@Suite("Cheap synchronous calls inline")
struct InlineCallTests {
    final class Probe: Sendable {
        // No call is slow by the clock here (a loaded test machine is slow at random); the test
        // marks "sleepy" slow itself, as a slow call would.
        let pool = BlockingWork(threads: 2, queueLimit: 4, inlineLimit: 1, slowCall: .seconds(3600))
        let started = Latch()
        let release = Latch()

        /// Each tool answers how many calls ran on the pool's threads while it ran.
        var tools: [ToolDefinition] {
            [
                ToolDefinition(
                    name: "probe", parameters: [ToolParameter("pad", String.self, default: "")], output: Int.self
                ) {
                    [pool] _, _ in pool.running
                },
                ToolDefinition(name: "sleepy", output: Int.self) { [pool] _, _ in pool.running },
                ToolDefinition(name: "held", output: Int.self) { [self] _, _ in
                    started.open()
                    _ = release.block()
                    return pool.running
                },
            ]
        }

        func client() throws -> MCPTestClient {
            var configuration = ServerConfiguration(info: ServerInfo(name: "inline", version: "0"))
            configuration.blockingWork = pool
            return MCPTestClient(server: MCPServer(registry: try Registry(tools: tools), configuration: configuration))
        }
    }

    func ranOnThreads(_ result: CallToolResult) -> Int? { result.structuredContent?["result"]?.intValue }

    @Test func aCheapCallRunsInlineAndASlowOrLargeOneDoesNot() async throws {
        let probe = Probe()
        let client = try probe.client()
        #expect(ranOnThreads(try await client.callTool("probe")) == 0, "small and never slow: inline")
        let large = try await client.callTool("probe", ["pad": .string(String(repeating: "x", count: 20_000))])
        #expect(ranOnThreads(large) == 1, "large arguments: on the threads")
        #expect(ranOnThreads(try await client.callTool("sleepy")) == 0, "not known to be slow yet: inline")
        client.server.registry.tool(named: "sleepy")?.stats.record(nanoseconds: 10_000_000_000, threshold: 1)
        #expect(ranOnThreads(try await client.callTool("sleepy")) == 1, "slow lately: on the threads")
        #expect(ranOnThreads(try await client.callTool("probe")) == 0, "another function is not affected")
    }

    @Test func onlyInlineLimitCallsRunInlineAtOnce() async throws {
        let probe = Probe()
        let client = try probe.client()
        async let first = client.callTool("held")
        #expect(await probe.started.wait())
        // The one inline place is taken: the next cheap call goes to the threads.
        #expect(ranOnThreads(try await client.callTool("probe")) == 1)
        probe.release.open()
        #expect(ranOnThreads(try await first) == 0)
    }
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}

extension InlineCallTests {
    /// Light calls (small arguments) may wait in far greater numbers than heavy ones: a burst of
    /// cheap calls is not refused because a few heavy ones fill their queue.
    @Test func manyLightCallsWaitWhereFewHeavyOnesMay() async throws {
        let pool = BlockingWork(threads: 1, queueLimit: 1, inlineLimit: 0)
        let held = await HeldThread(of: pool)
        let stats = CallStats()
        let light = (0..<200).map { index in
            Task {
                try await pool.perform(stats: stats, small: true, cancellation: CancellationFlag(), timeout: nil) {
                    index
                }
            }
        }
        while pool.waiting < 200 { await Task.yield() }
        let heavy = Task {
            try await pool.perform(stats: stats, small: false, cancellation: CancellationFlag(), timeout: nil) { -1 }
        }
        while pool.waiting < 201 { await Task.yield() }
        await #expect(throws: BlockingWork.Busy.self) {
            try await pool.perform(stats: stats, small: false, cancellation: CancellationFlag(), timeout: nil) { -2 }
        }
        try await held.release()
        var sum = 0
        for task in light { sum += try await task.value }
        #expect(sum == (0..<200).reduce(0, +))
        #expect(try await heavy.value == -1)
    }
}
