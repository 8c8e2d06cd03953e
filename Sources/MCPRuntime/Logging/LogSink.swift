import Foundation
import MCPPlatform
import Synchronization

/// Whole log lines on their way to one file descriptor (stdout or stderr), written in batches by
/// a thread of their own so that a request never waits for a `write`.
///
/// - A line is appended to an in-memory buffer (one short critical section: a copy of its
///   bytes). The writer thread wakes when the buffer stops being empty, waits up to
///   ``flushInterval`` for more lines (less once ``batchBytes`` are pending), and writes what has
///   gathered.
/// - Writes never split a line. On a pipe, a socket or a terminal — what a container runtime
///   collects — each `write` carries at most `PIPE_BUF` bytes of whole lines, so the kernel keeps
///   it in one piece even though the supervisor and every worker write to the same pipe; on a
///   regular file batches go out in large writes (Linux serialises writes that share an offset).
/// - Slow output: when `capacity` bytes are waiting because the reader does not keep up, new
///   lines are dropped and counted (``droppedLines``, exported as `mcp_log_lines_dropped_total`)
///   rather than making requests wait. Nothing is dropped while the reader keeps up.
/// - Lossless on a clean exit: `exit` (the end of `main`, after a drain) runs an `atexit` hook that
///   waits for a batch being written and writes what is left. Lines at `error` and above cut the
///   batching window short.
final class LogSink: Sendable {
    static let standardOutput = LogSink(descriptor: 1)
    static let standardError = LogSink(descriptor: 2)

    /// Longest wait between a line being logged and its write.
    static let flushInterval: DispatchTimeInterval = .milliseconds(20)
    /// Pending bytes that end the batching window early.
    static let batchBytes = 32 * 1024
    /// Pending bytes past which new lines are dropped (and counted): 8 MiB, some 20,000 access
    /// lines, about a second of full load.
    let capacity: Int
    let descriptor: Int32
    /// The largest write: `PIPE_BUF` unless the descriptor is a regular file.
    let chunkBytes: Int
    private let state = Mutex(State())
    /// Held while a batch is written, so the exit hook waits for it.
    private let writing = Mutex(())
    private let wake = DispatchSemaphore(value: 0)
    private let hurry = DispatchSemaphore(value: 0)

    struct State {
        var pending: [UInt8] = []
        var spare: [UInt8] = []
        /// The writer was woken for what is pending.
        var woken = false
        /// The writer was told to end its batching window.
        var hurried = false
        /// Lines refused (buffer full) or lost (the descriptor failed).
        var dropped = 0
    }

    private static let live = Mutex<[LogSink]>([])

    init(descriptor: Int32, capacity: Int = 8 * 1024 * 1024) {
        self.descriptor = descriptor
        self.capacity = capacity
        // Pipes, FIFOs and sockets cannot seek; terminals are kept to small writes too.
        let isFile = Descriptors.canSeek(descriptor) && !Descriptors.isTerminal(descriptor)
        chunkBytes = isFile ? 1 << 20 : Descriptors.pipeAtomicWriteBytes
        state.withLock { $0.pending.reserveCapacity(Self.batchBytes * 2) }
        let first = Self.live.withLock { sinks in
            sinks.append(self)
            return sinks.count == 1
        }
        if first { Processes.runAtExit { LogSink.flushAllAtExit() } }
        let thread = Thread { [self] in
            PlatformThread.nameCurrent("mcp-log-\(descriptor)")
            run()
        }
        thread.start()
    }

    /// Queues one line (its bytes end with a newline). Never blocks on output.
    func append(_ line: [UInt8], urgent: Bool = false) {
        let (wakeWriter, hurryWriter) = state.withLock { state -> (Bool, Bool) in
            guard state.pending.count + line.count <= capacity else {
                state.dropped += 1
                return (false, false)
            }
            state.pending.append(contentsOf: line)
            let wakeWriter = !state.woken
            state.woken = true
            let hurryWriter = !state.hurried && (urgent || state.pending.count >= Self.batchBytes)
            if hurryWriter { state.hurried = true }
            return (wakeWriter, hurryWriter)
        }
        if wakeWriter { wake.signal() }
        if hurryWriter { hurry.signal() }
    }

    /// Lines dropped so far by this sink.
    var droppedLines: Int { state.withLock { $0.dropped } }

    /// Lines dropped so far by every sink of this process.
    static var droppedLines: Int { live.withLock { $0 }.reduce(0) { $0 + $1.droppedLines } }

    /// Writes everything pending now (waiting for a batch already being written).
    func flush() {
        writing.withLock { _ in writeBatch() }
    }

    private func run() {
        while true {
            wake.wait()
            _ = hurry.wait(timeout: .now() + Self.flushInterval)
            flush()
        }
    }

    /// Takes what is pending and writes it; the caller holds `writing`.
    private func writeBatch() {
        var batch = state.withLock { state -> [UInt8] in
            var batch = state.spare
            swap(&batch, &state.pending)
            state.spare = []
            state.woken = false
            state.hurried = false
            return batch
        }
        guard !batch.isEmpty else { return }
        let lost = writeLines(batch)
        batch.removeAll(keepingCapacity: batch.capacity <= 4 * Self.batchBytes)
        state.withLock { state in
            state.dropped += lost
            if state.spare.capacity < batch.capacity { state.spare = batch }
        }
    }

    /// Writes `bytes` (whole lines) in chunks of at most `chunkBytes` that end at a newline;
    /// returns the number of lines lost to a failing descriptor.
    private func writeLines(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                var end = min(buffer.count, offset + chunkBytes)
                if end < buffer.count {
                    if let newline = buffer[offset..<end].lastIndex(of: UInt8(ascii: "\n")) {
                        end = newline + 1
                    } else {
                        // One line longer than a chunk: it goes out alone.
                        end = buffer[end...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? buffer.count
                    }
                }
                if !writeFully(UnsafeBufferPointer(rebasing: buffer[offset..<end])) {
                    return buffer[offset...].count { $0 == UInt8(ascii: "\n") }
                }
                offset = end
            }
            return 0
        }
    }

    /// One chunk, retried on interruption and on a full non-blocking descriptor; false when the
    /// descriptor fails (closed pipe, bad descriptor).
    private func writeFully(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        var offset = 0
        while offset < chunk.count {
            let written = Descriptors.write(descriptor, chunk.baseAddress! + offset, chunk.count - offset)
            if written > 0 {
                offset += written
                continue
            }
            let failure = SystemErrno.current
            if written < 0 && failure == SystemErrno.interrupted { continue }
            if written < 0 && (failure == SystemErrno.tryAgain || failure == SystemErrno.wouldBlock) {
                _ = Descriptors.waitUntilReady([descriptor], for: .output, timeout: 100)
                continue
            }
            return false
        }
        return true
    }

    /// The `atexit` hook: every sink writes what it holds. A batch stuck in a write to a reader
    /// that stopped reading is waited for at most about two seconds.
    static func flushAllAtExit() {
        for sink in live.withLock({ $0 }) {
            for _ in 0..<200 {
                let done = sink.writing.withLockIfAvailable { _ in sink.writeBatch() } != nil
                if done { break }
                PlatformThread.sleep(microseconds: 10_000)
            }
        }
    }
}
