import Foundation
import MCPPlatform
import Synchronization

/// Whole log lines on their way to one file descriptor (stdout or stderr), written in batches by
/// a thread of their own so that a request never waits for a `write`.
///
/// - A line is copied into one of two buffers (one short critical section). The writer thread
///   wakes when that buffer stops being empty, waits up to ``flushInterval`` for more lines
///   (less once ``batchBytes`` are pending), then takes the buffer for writing while new lines
///   go into the other one.
/// - Writes never split a line. On a pipe, a socket or a terminal — what a container runtime
///   collects — each `write` carries at most `PIPE_BUF` bytes of whole lines, so the kernel keeps
///   it in one piece even though the supervisor and every worker write to the same pipe; on a
///   regular file batches go out in large writes (Linux serialises writes that share an offset).
/// - Slow output: the lines waiting and the batch being written together never exceed
///   `capacity` bytes; past it new lines are dropped and counted (``droppedLines``, exported as
///   `mcp_log_lines_dropped_total`) rather than making requests wait. Nothing is dropped while
///   the reader keeps up.
/// - Memory: the buffers are address space from ``PrivateMemory``, not `malloc`: a page costs
///   memory once a line is written into it, and after a batch larger than ``keptBytes`` (a reader
///   that fell behind) the pages past it are handed back. So a stalled reader costs at most
///   `capacity` while it lasts (plus up to ``keptBytes`` of the buffer filling again, pages an
///   earlier batch touched) and nothing after; a `malloc`ed buffer grown for the backlog stayed
///   in the arena for the life of the process (12–14 MiB a worker after an 8-second stall).
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
    /// What a buffer keeps in memory after a batch; the pages of a larger batch past this are
    /// handed back once it is written.
    static let keptBytes = roundedToPages(128 * 1024)
    /// Bytes of lines held at most, waiting and being written together: 8 MiB, some 20,000
    /// access lines, about a second of full load.
    let capacity: Int
    let descriptor: Int32
    /// The largest write: `PIPE_BUF` unless the descriptor is a regular file.
    let chunkBytes: Int
    /// Lines are copied into `buffers[state.filling]`; the writer reads the other one.
    private let buffers: [LineBuffer]
    private let state = Mutex(State())
    /// Held while a batch is written, so the exit hook waits for it.
    private let writing = Mutex(())
    private let wake = DispatchSemaphore(value: 0)
    private let hurry = DispatchSemaphore(value: 0)

    struct State {
        /// The buffer lines go into (0 or 1).
        var filling = 0
        /// Bytes in it.
        var filled = 0
        /// Bytes of the batch being written.
        var inFlight = 0
        /// The writer was woken for what is pending.
        var woken = false
        /// The writer was told to end its batching window.
        var hurried = false
        /// Lines refused (buffer full) or lost (the descriptor failed).
        var dropped = 0
    }

    /// `capacity` bytes of address space for lines.
    struct LineBuffer: @unchecked Sendable {
        // @unchecked: the address is set once; the sink's locks order every access to the bytes
        // (lines are copied in under `state`, into the filling buffer only; the writer reads the
        // other one while it holds `writing`).
        let bytes: UnsafeMutablePointer<UInt8>
        let count: Int
    }

    private static let live = Mutex<[LogSink]>([])

    init(descriptor: Int32, capacity: Int = 8 * 1024 * 1024) {
        self.descriptor = descriptor
        // Pipes, FIFOs and sockets cannot seek; terminals are kept to small writes too.
        let isFile = Descriptors.canSeek(descriptor) && !Descriptors.isTerminal(descriptor)
        chunkBytes = isFile ? 1 << 20 : Descriptors.pipeAtomicWriteBytes
        // Address space is cheap, but a process limit (`ulimit -v`) may refuse 16 MiB of it:
        // then a smaller capacity, not a process that cannot log.
        var size = Self.roundedToPages(max(capacity, 1))
        var reserved = PrivateMemory.reserve(2 * size)
        while reserved == nil && size > Self.keptBytes {
            size = Self.roundedToPages(size / 2)
            reserved = PrivateMemory.reserve(2 * size)
        }
        guard let reserved else { fatalError("cannot reserve \(2 * size) bytes for log lines") }
        let bytes = reserved.bindMemory(to: UInt8.self, capacity: 2 * size)
        buffers = [LineBuffer(bytes: bytes, count: size), LineBuffer(bytes: bytes + size, count: size)]
        self.capacity = min(capacity, size)
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
        guard !line.isEmpty else { return }
        let (wakeWriter, hurryWriter) = state.withLock { state -> (Bool, Bool) in
            guard state.filled + state.inFlight + line.count <= capacity else {
                state.dropped += 1
                return (false, false)
            }
            let target = buffers[state.filling].bytes + state.filled
            line.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: $0.count) }
            state.filled += line.count
            let wakeWriter = !state.woken
            state.woken = true
            let hurryWriter = !state.hurried && (urgent || state.filled >= Self.batchBytes)
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

    /// Bytes of this sink's buffers in memory now (the kernel's count, `mincore`).
    var residentBufferBytes: Int {
        buffers.reduce(0) { $0 + PrivateMemory.residentBytes(UnsafeMutableRawPointer($1.bytes), bytes: $1.count) }
    }

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

    /// Takes the filling buffer and writes it; the caller holds `writing`.
    private func writeBatch() {
        let (index, count) = state.withLock { state -> (Int, Int) in
            let taken = (state.filling, state.filled)
            state.woken = false
            state.hurried = false
            guard taken.1 > 0 else { return taken }
            state.filling = 1 - taken.0
            state.filled = 0
            state.inFlight = taken.1
            return taken
        }
        guard count > 0 else { return }
        let buffer = buffers[index]
        let lost = writeLines(UnsafeBufferPointer(start: buffer.bytes, count: count))
        // Lines go into this buffer again only after the next swap, which waits for `writing`.
        if count > Self.keptBytes {
            PrivateMemory.release(
                UnsafeMutableRawPointer(buffer.bytes + Self.keptBytes),
                bytes: Self.roundedToPages(count) - Self.keptBytes)
        }
        state.withLock { state in
            state.dropped += lost
            state.inFlight = 0
        }
    }

    private static func roundedToPages(_ bytes: Int) -> Int {
        (bytes + PrivateMemory.pageBytes - 1) / PrivateMemory.pageBytes * PrivateMemory.pageBytes
    }

    /// Writes `buffer` (whole lines) in chunks of at most `chunkBytes` that end at a newline;
    /// returns the number of lines lost to a failing descriptor.
    private func writeLines(_ buffer: UnsafeBufferPointer<UInt8>) -> Int {
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
