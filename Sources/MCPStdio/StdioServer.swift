public import Logging
public import MCPCore
import Synchronization

/// Serves MCP over stdio: newline-delimited JSON-RPC on stdin and stdout, both eras on one
/// process (STDIO-1..10). It only frames lines; every protocol rule is the ``MessageRouter``'s.
///
/// Requests are answered concurrently, each in its own task. Nothing but JSON-RPC messages is
/// written to the output: logs go to the logger (stderr). At end of input in-flight work is
/// cancelled and ``run()`` returns within ``endOfInputGrace`` (STDIO-3); after ``shutdown()``
/// it returns once in-flight requests have finished (or ``cancelAll()`` stopped them).
///
/// ```swift
/// let stdio = StdioServer(router: MessageRouter(server: server), logger: logger)
/// await stdio.run()
/// ```
public final class StdioServer: Sendable {
    /// What this process negotiated in the handshake era, and what is running.
    struct State: Sendable {
        var session: SessionState?
        var running: [Int: Task<Void, Never>] = [:]
        var nextTask = 0
        var stopping = false
    }

    /// The one conversation of a stdio process: request ids and the client's answers live here.
    static let conversation = Conversation("stdio")
    /// How long in-flight work may take to stop once input ended.
    public static let endOfInputGrace: Duration = .milliseconds(1500)

    let router: MessageRouter
    let logger: Logger
    let reader: LineReader
    let writer: OutputWriter
    let state = Mutex(State())
    private let stopSignal: AsyncStream<Void>.Continuation
    private let stopStream: AsyncStream<Void>

    /// - Parameters:
    ///   - maxLineBytes: longest accepted message; longer lines are answered with an error and skipped.
    ///   - input, output: file descriptors (stdin and stdout by default).
    public init(
        router: MessageRouter, logger: Logger, maxLineBytes: Int = 4 * 1024 * 1024, input: Int32 = 0,
        output: Int32 = 1
    ) {
        self.router = router
        self.logger = logger
        self.reader = LineReader(fileDescriptor: input, maxLineBytes: maxLineBytes)
        self.writer = OutputWriter(fileDescriptor: output)
        (stopStream, stopSignal) = AsyncStream.makeStream(of: Void.self)
    }

    /// Serves until end of input or ``shutdown()``.
    public func run() async {
        let lines = reader.lines()
        let endOfInput = await withTaskGroup(of: Bool.self) { group in
            group.addTask { [stopStream] in
                for await _ in stopStream { return false }
                return false
            }
            group.addTask {
                for await input in lines {
                    if self.state.withLock({ $0.stopping }) { return false }
                    self.accept(input)
                }
                return true
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        stopSignal.finish()
        router.server.subscriptions.closeAll()  // open listens get their final answer (SUB-5)
        if endOfInput {
            // The client is done (STDIO-3): stop what runs, and wait only briefly for it.
            router.cancelRequests(in: Self.conversation, answering: true)
            _ = await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.waitForRunning() }
                group.addTask { try? await Task.sleep(for: Self.endOfInputGrace) }
                await group.next()
                group.cancelAll()
            }
        } else {
            await waitForRunning()
        }
        logger.debug("stdio transport finished")
    }

    /// Stops reading; ``run()`` returns once in-flight requests are answered.
    public func shutdown() {
        state.withLock { $0.stopping = true }
        stopSignal.yield()
    }

    /// Cancels every in-flight request (after a graceful timeout ran out).
    public func cancelAll() {
        router.cancelRequests(in: Self.conversation, answering: true)
    }

    private func waitForRunning() async {
        while let task = state.withLock({ $0.running.values.first }) {
            await task.value
        }
    }

    /// Writes one message unless the output is gone.
    func send(_ bytes: [UInt8]) {
        if !writer.write(bytes) {
            logger.notice("stdout closed; stopping")
            shutdown()
        }
    }
}
