import Foundation
import MCPPlatform
import Synchronization
import Testing

@testable import MCPRuntime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Batched log output: whole lines, none lost while the reader keeps up, drops counted when it
/// does not, and the memory a stalled reader cost handed back once it reads again.
@Suite("Log sink")
struct LogSinkTests {
    /// Reads `descriptor` until end of file on a thread of its own (a blocking read must not
    /// hold one of the concurrency pool's few threads).
    final class PipeReader: Sendable {
        private let bytes = Mutex<[UInt8]>([])
        private let done = DispatchSemaphore(value: 0)

        init(_ descriptor: Int32) {
            Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    bytes.withLock { $0 += buffer[0..<count] }
                }
                done.signal()
            }.start()
        }

        /// Everything read, once the writer's end is closed.
        func all() -> [UInt8] {
            done.wait()
            return bytes.withLock { $0 }
        }
    }

    @Test func linesFromManyThreadsArriveWholeAndOnce() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let sink = LogSink(descriptor: ends[1])
        let reader = PipeReader(ends[0])
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<8 {
                group.addTask {
                    for number in 0..<2000 {
                        let padding = String(repeating: "x", count: (thread * 131 + number) % 700)
                        sink.append(Array("{\"thread\":\(thread),\"n\":\(number),\"pad\":\"\(padding)\"}\n".utf8))
                    }
                }
            }
        }
        sink.flush()
        close(ends[1])
        let text = String(decoding: reader.all(), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 16_000)
        var next = [Int](repeating: 0, count: 8)
        for line in lines {
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let thread = try #require(object["thread"] as? Int)
            #expect(object["n"] as? Int == next[thread], "one thread's lines keep their order")
            next[thread] += 1
        }
        #expect(sink.droppedLines == 0)
    }

    /// A sink writing into a pipe nobody reads yet.
    struct PipedSink {
        let sink: LogSink
        let readEnd: Int32
        let writeEnd: Int32

        init(capacity: Int) {
            var ends: [Int32] = [0, 0]
            precondition(pipe(&ends) == 0, "pipe: \(errno)")
            (readEnd, writeEnd) = (ends[0], ends[1])
            sink = LogSink(descriptor: writeEnd, capacity: capacity)
        }

        /// Lets a reader read the pipe, flushes the sink and closes the write end, all on a
        /// thread of its own: waiting for the writer and the reader must not hold one of the
        /// concurrency pool's few threads, on which the other suites' servers answer (on a
        /// loaded 2-core machine a few MiB through a pipe in 4 KiB writes takes seconds).
        /// Returns the lines read and the bytes of the sink's buffers resident once it was
        /// flushed.
        func drain() async -> (lines: Int, resident: Int) {
            await withCheckedContinuation { continuation in
                Thread { [sink, readEnd, writeEnd] in
                    let reader = PipeReader(readEnd)
                    sink.flush()
                    let resident = sink.residentBufferBytes
                    close(writeEnd)
                    let lines = reader.all().count { $0 == UInt8(ascii: "\n") }
                    continuation.resume(returning: (lines, resident))
                }.start()
            }
        }
    }

    /// One log line of `length` bytes, newline included.
    static func line(_ character: Character, length: Int) -> [UInt8] {
        Array((String(repeating: character, count: length - 1) + "\n").utf8)
    }

    @Test func aReaderThatStopsCostsCountedLinesNotWaits() async throws {
        let piped = PipedSink(capacity: 16 * 1024)
        let sink = piped.sink
        let line = Self.line("y", length: 100)
        // Nobody reads: the pipe (64 KiB) fills, the writer blocks, the buffer fills, then lines
        // are dropped. Were appending to wait for the pipe, this loop would never end.
        for _ in 0..<5000 { sink.append(line) }
        let (received, _) = await piped.drain()
        #expect(sink.droppedLines > 0)
        #expect(received + sink.droppedLines == 5000, "every line is either written or counted")
    }

    @Test func aStalledReadersBacklogIsWrittenAndItsMemoryHandedBack() async throws {
        let capacity = 1024 * 1024
        let piped = PipedSink(capacity: capacity)
        let sink = piped.sink
        let line = Self.line("z", length: 400)
        // Nobody reads yet: after the pipe's 64 KiB the writer waits, and the rest of 800 KB of
        // lines waits in the sink's memory.
        let lines = 2_000
        for _ in 0..<lines { sink.append(line) }
        let duringBacklog = sink.residentBufferBytes
        #expect(duringBacklog > 512 * 1024, "the backlog is in memory (\(duringBacklog) bytes)")
        #expect(duringBacklog <= capacity + 2 * PrivateMemory.pageBytes, "never more than the capacity")

        let (received, afterBacklog) = await piped.drain()
        #expect(received == lines, "every line written once the reader reads")
        #expect(sink.droppedLines == 0)
        #expect(
            afterBacklog <= 2 * LogSink.keptBytes,
            "each buffer keeps at most \(LogSink.keptBytes) bytes once written (\(afterBacklog) resident)")
    }

    @Test func aStoppedReaderHoldsAtMostTheCapacityInMemory() async throws {
        let capacity = 256 * 1024
        let piped = PipedSink(capacity: capacity)
        let sink = piped.sink
        let line = Self.line("w", length: 200)
        // The batch the writer is stuck on and the lines queued behind it count together. The
        // buffer filling again may still hold the pages of batches written before the pipe
        // filled (at most its 64 KiB), where fewer new lines have been copied so far.
        for _ in 0..<5_000 { sink.append(line) }
        #expect(sink.droppedLines > 0)
        #expect(sink.residentBufferBytes <= capacity + 65536 + 2 * PrivateMemory.pageBytes)
        let (received, _) = await piped.drain()
        #expect(received + sink.droppedLines == 5_000, "every line is either written or counted")
        #expect(received * line.count <= capacity + 65536, "what was held fits the capacity and the pipe")
    }
}
