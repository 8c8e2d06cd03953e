import Foundation
import MCPPlatform

/// One unit read from stdin.
enum InputLine: Sendable {
    case line([UInt8])
    /// A line longer than the limit; its bytes were discarded without being buffered.
    case oversized(length: Int)
}

/// Reads newline-delimited messages from a file descriptor on a thread of its own, so a
/// blocking `read` never holds a Swift concurrency thread. Lines over `maxLineBytes` are
/// skipped to their newline and reported as ``InputLine/oversized(length:)``: the limit is
/// exact (a line of `maxLineBytes` passes, one byte more never does) and the buffer never holds
/// more than `maxLineBytes`.
struct LineReader: Sendable {
    let fileDescriptor: Int32
    let maxLineBytes: Int

    func lines() -> AsyncStream<InputLine> {
        let (stream, continuation) = AsyncStream.makeStream(of: InputLine.self, bufferingPolicy: .bufferingOldest(256))
        let fileDescriptor = fileDescriptor
        let maxLineBytes = maxLineBytes
        let thread = Thread {
            PlatformThread.nameCurrent("mcp-stdin")
            var pending: [UInt8] = []
            var discarding = false
            var discardedLength = 0
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            func emit(_ line: InputLine) {
                // Back-pressure: wait while the consumer is 256 lines behind.
                while case .dropped = continuation.yield(line) { PlatformThread.sleep(microseconds: 1000) }
            }
            readLoop: while true {
                let count = chunk.withUnsafeMutableBytes { Descriptors.read(fileDescriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if SystemErrno.current == SystemErrno.interrupted { continue }
                    break readLoop
                }
                if count == 0 { break readLoop }
                var start = 0
                for index in 0..<count where chunk[index] == UInt8(ascii: "\n") {
                    if discarding {
                        emit(.oversized(length: discardedLength + index - start))
                        discarding = false
                        discardedLength = 0
                    } else if pending.count + (index - start) > maxLineBytes {
                        // Over the limit within this chunk: never buffered, never passed on.
                        emit(.oversized(length: pending.count + index - start))
                        pending = []
                    } else {
                        pending.append(contentsOf: chunk[start..<index])
                        emit(.line(pending))
                        pending.removeAll(keepingCapacity: pending.count < 1 << 20)
                    }
                    start = index + 1
                }
                if start < count {
                    if discarding {
                        discardedLength += count - start
                    } else if pending.count + (count - start) > maxLineBytes {
                        discarding = true
                        discardedLength = pending.count + count - start
                        pending = []
                    } else {
                        pending.append(contentsOf: chunk[start..<count])
                    }
                }
            }
            if discarding {
                emit(.oversized(length: discardedLength))
            } else if !pending.isEmpty {
                emit(.line(pending))
            }
            continuation.finish()
        }
        thread.start()
        return stream
    }
}
