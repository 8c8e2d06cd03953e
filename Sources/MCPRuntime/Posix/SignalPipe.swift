import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Turns signals into bytes on a pipe, so a `poll` loop can wait for signals and descriptors
/// together. Dispatch delivers each signal off the signal context; the default action is
/// disabled for the trapped signals.
final class SignalPipe {
    let readEnd: Int32
    private let writeEnd: Int32
    private let sources: [any DispatchSourceSignal]

    init(trapping trapped: [Int32]) throws {
        guard let ends = Pipe.make() else { throw RuntimeError("cannot create the signal pipe") }
        readEnd = ends.read
        writeEnd = ends.write
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
        let writeEnd = ends.write
        let queue = DispatchQueue(label: "mcp.supervisor.signals")
        sources = trapped.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(writeEnd, &byte, 1)
            }
            source.resume()
            return source
        }
    }

    /// The signals received since the last call.
    func drain() -> [Int32] {
        var received: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            received += buffer[0..<count].map { Int32($0) }
        }
        return received
    }

    deinit {
        for source in sources { source.cancel() }
        close(readEnd)
        close(writeEnd)
    }
}
