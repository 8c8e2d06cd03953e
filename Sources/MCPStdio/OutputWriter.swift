import MCPPlatform
import Synchronization

/// Writes whole messages, one per line, to a file descriptor. A lock keeps concurrent answers
/// from interleaving; after the reader of the pipe went away, writes are dropped.
final class OutputWriter: Sendable {
    private let fileDescriptor: Int32
    private let state = Mutex(true)

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// False once a write failed (for example EPIPE: the client closed its end).
    var isOpen: Bool { state.withLock { $0 } }

    /// Writes `message` followed by a newline. Returns false when the output is closed.
    @discardableResult
    func write(_ message: [UInt8]) -> Bool {
        var framed = message
        framed.append(UInt8(ascii: "\n"))
        return state.withLock { open in
            guard open else { return false }
            var offset = 0
            while offset < framed.count {
                let written = framed.withUnsafeBytes { buffer in
                    Descriptors.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                }
                if written < 0 {
                    if SystemErrno.current == SystemErrno.interrupted || SystemErrno.current == SystemErrno.tryAgain {
                        continue
                    }
                    open = false
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
