#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// File descriptors: reading, writing, waiting, the flags on them, and how many this process
/// may open. Return values are the C calls' (a count, or -1 with ``SystemErrno/current`` set), so
/// callers keep their own retry rules.
package enum Descriptors {
    /// What ``waitUntilReady(_:for:timeout:)`` waits for.
    package enum Readiness: Sendable { case input, output }

    /// `read(2)`: bytes read, 0 at end of file, -1 on failure.
    package static func read(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Darwin)
            return Darwin.read(descriptor, buffer, count)
        #elseif canImport(Glibc)
            return Glibc.read(descriptor, buffer, count)
        #elseif canImport(Musl)
            return Musl.read(descriptor, buffer, count)
        #endif
    }

    /// `pread(2)`: reads at `offset` without moving the file position.
    package static func read(
        _ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, at offset: Int
    ) -> Int {
        pread(descriptor, buffer, count, off_t(offset))
    }

    /// `write(2)`: bytes written, -1 on failure.
    package static func write(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Darwin)
            return Darwin.write(descriptor, buffer, count)
        #elseif canImport(Glibc)
            return Glibc.write(descriptor, buffer, count)
        #elseif canImport(Musl)
            return Musl.write(descriptor, buffer, count)
        #endif
    }

    /// `close(2)`.
    @discardableResult
    package static func close(_ descriptor: Int32) -> Int32 {
        #if canImport(Darwin)
            return Darwin.close(descriptor)
        #elseif canImport(Glibc)
            return Glibc.close(descriptor)
        #elseif canImport(Musl)
            return Musl.close(descriptor)
        #endif
    }

    /// `fsync(2)`: 0, or -1 on failure.
    package static func synchronize(_ descriptor: Int32) -> Int32 {
        fsync(descriptor)
    }

    /// A pipe whose two ends are close-on-exec (mapped into a child explicitly when it needs
    /// one). `pipe` then `FD_CLOEXEC` on each end, on every platform: Darwin has no `pipe2`.
    package static func makePipe() -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends { setCloseOnExec(end) }
        return (ends[0], ends[1])
    }

    /// Sets `O_NONBLOCK`, keeping the other status flags.
    package static func setNonBlocking(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// Sets `FD_CLOEXEC`: the descriptor is not inherited by programs this process starts.
    package static func setCloseOnExec(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    }

    /// `isatty`.
    package static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }

    /// Whether the descriptor can seek: a file can, a pipe, FIFO or socket cannot.
    package static func canSeek(_ descriptor: Int32) -> Bool {
        lseek(descriptor, 0, SEEK_CUR) >= 0
    }

    /// `PIPE_BUF`: the largest write a pipe takes in one piece (4096 on Linux, 512 on Darwin).
    package static let pipeAtomicWriteBytes = Int(PIPE_BUF)

    /// `poll(2)` on `descriptors` for `readiness`, up to `timeout` milliseconds: for each
    /// descriptor, whether `poll` reported anything for it (readiness, hang-up or error). All
    /// false on a timeout or an interrupted wait.
    package static func waitUntilReady(_ descriptors: [Int32], for readiness: Readiness, timeout: Int32) -> [Bool] {
        let events = Int16(readiness == .input ? POLLIN : POLLOUT)
        var entries = descriptors.map { pollfd(fd: $0, events: events, revents: 0) }
        _ = poll(&entries, nfds_t(entries.count), timeout)
        return entries.map { $0.revents != 0 }
    }

    /// Raises this process's soft open-file limit as far as the platform allows and returns
    /// the limit now in force (0 when it cannot be read). Containers often start with a soft
    /// limit of 1024 (what nginx's `worker_rlimit_nofile` raises).
    ///
    /// Linux: up to the hard limit. Darwin: up to the hard limit but at most `OPEN_MAX` (10240):
    /// its `setrlimit` refuses a larger `RLIMIT_NOFILE` (and the hard limit is often infinite).
    @discardableResult
    package static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        #if canImport(Darwin)
            guard getrlimit(RLIMIT_NOFILE, &limit) == 0 else { return 0 }
            let target = min(limit.rlim_max, rlim_t(OPEN_MAX))
            if limit.rlim_cur < target {
                var raised = limit
                raised.rlim_cur = target
                if setrlimit(RLIMIT_NOFILE, &raised) == 0 { limit = raised }
            }
        #elseif canImport(Glibc)
            guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
            if limit.rlim_cur < limit.rlim_max {
                var raised = limit
                raised.rlim_cur = limit.rlim_max
                if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
            }
        #elseif canImport(Musl)
            guard getrlimit(RLIMIT_NOFILE, &limit) == 0 else { return 0 }
            if limit.rlim_cur < limit.rlim_max {
                var raised = limit
                raised.rlim_cur = limit.rlim_max
                if setrlimit(RLIMIT_NOFILE, &raised) == 0 { limit = raised }
            }
        #endif
        return Int(clamping: limit.rlim_cur)
    }
}
