public import Logging
public import MCPCore
import Synchronization

/// Serves MCP over stdio: newline-delimited JSON-RPC on stdin and stdout, both eras on one
/// process (STDIO-1..10).
///
/// Requests are answered concurrently, each in its own task; `notifications/cancelled` cancels
/// one and suppresses its answer. Nothing but JSON-RPC messages is written to the output: logs
/// go to the logger (stderr). ``run()`` returns after end of input once in-flight requests have
/// finished, or after ``shutdown()``.
///
/// ```swift
/// let stdio = StdioServer(server: server, logger: logger)
/// await stdio.run()
/// ```
public final class StdioServer: Sendable {
    /// What this process negotiated in the handshake era, and what is running.
    struct State: Sendable {
        var session: SessionState?
        var inFlight: [RequestID: Task<Void, Never>] = [:]
        var cancelled: Set<RequestID> = []
        /// Batches in flight, by a local sequence number.
        var batches: [Int: Task<Void, Never>] = [:]
        var nextBatch = 0
        var stopping = false
    }

    let server: MCPServer
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
        server: MCPServer, logger: Logger, maxLineBytes: Int = 4 * 1024 * 1024, input: Int32 = 0, output: Int32 = 1
    ) {
        self.server = server
        self.logger = logger
        self.reader = LineReader(fileDescriptor: input, maxLineBytes: maxLineBytes)
        self.writer = OutputWriter(fileDescriptor: output)
        (stopStream, stopSignal) = AsyncStream.makeStream(of: Void.self)
    }

    /// Serves until end of input or ``shutdown()``, then waits for in-flight requests.
    public func run() async {
        let lines = reader.lines()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [stopStream] in
                for await _ in stopStream { return }
            }
            group.addTask {
                for await input in lines {
                    if self.state.withLock({ $0.stopping }) { break }
                    self.accept(input)
                }
            }
            await group.next()
            group.cancelAll()
        }
        stopSignal.finish()
        server.subscriptions.closeAll()  // open listens get their final answer (SUB-5)
        await waitForInFlight()
        logger.debug("stdio transport finished")
    }

    /// Stops reading; ``run()`` returns once in-flight requests are answered.
    public func shutdown() {
        state.withLock { $0.stopping = true }
        stopSignal.yield()
    }

    /// Cancels every in-flight request (after a graceful timeout ran out).
    public func cancelAll() {
        for task in state.withLock({ Array($0.inFlight.values) }) { task.cancel() }
    }

    private func waitForInFlight() async {
        while true {
            let tasks = state.withLock { Array($0.inFlight.values) + Array($0.batches.values) }
            guard !tasks.isEmpty else { return }
            for task in tasks { await task.value }
        }
    }

    /// Writes one answer unless the output is gone.
    func send(_ bytes: [UInt8]) {
        if !writer.write(bytes) {
            logger.notice("stdout closed; stopping")
            shutdown()
        }
    }
}
