import Dispatch

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Signal numbers and dispositions. The numbers used here are the same on Linux and Darwin;
/// callers name them through this type so that no other file needs the C library.
package enum Signals {
    package static let terminate = SIGTERM
    package static let interrupt = SIGINT
    package static let hangUp = SIGHUP
    package static let kill = SIGKILL
    package static let brokenPipe = SIGPIPE
    /// SIGTTIN: a supervisor adds a worker.
    package static let terminalInput = SIGTTIN
    /// SIGTTOU: a supervisor removes a worker.
    package static let terminalOutput = SIGTTOU

    /// Sets `SIG_IGN` for `number`: e.g. a write to a closed pipe fails with `EPIPE` instead of
    /// ending the process.
    package static func ignore(_ number: Int32) {
        _ = signal(number, SIG_IGN)
    }
}

/// Turns signals into bytes on a pipe, so a `poll` loop can wait for signals and descriptors
/// together. Dispatch delivers each signal off the signal context; the default action is
/// disabled for the trapped signals.
package final class SignalPipe {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    package let readEnd: Int32
    private let writeEnd: Int32
    private let sources: [any DispatchSourceSignal]

    package init(trapping trapped: [Int32]) throws(Failure) {
        guard let ends = Descriptors.makePipe() else { throw Failure(description: "cannot create the signal pipe") }
        readEnd = ends.read
        writeEnd = ends.write
        Descriptors.setNonBlocking(readEnd)
        let writeEnd = ends.write
        let queue = DispatchQueue(label: "mcp.supervisor.signals")
        sources = trapped.map { number in
            Signals.ignore(number)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                var byte = UInt8(truncatingIfNeeded: number)
                _ = Descriptors.write(writeEnd, &byte, 1)
            }
            source.resume()
            return source
        }
    }

    /// The signals received since the last call.
    package func drain() -> [Int32] {
        var received: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { Descriptors.read(readEnd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            received += buffer[0..<count].map { Int32($0) }
        }
        return received
    }

    deinit {
        for source in sources { source.cancel() }
        Descriptors.close(readEnd)
        Descriptors.close(writeEnd)
    }
}
