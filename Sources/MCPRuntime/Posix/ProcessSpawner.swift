#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Starts a child process with `posix_spawn`, mapping chosen descriptors to fixed numbers in the
/// child (the way systemd passes sockets). Never `fork()`s a multithreaded Swift process, and
/// unlike Foundation's `Process` and swift-subprocess it can hand extra descriptors down.
enum ProcessSpawner {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Spawns `executable` with `arguments` and `environment`; `descriptors` maps a descriptor
    /// of this process to the number it gets in the child. Returns the child's pid.
    static func spawn(
        executable: String, arguments: [String], environment: [String: String], descriptors: [(Int32, Int32)]
    )
        throws(Failure) -> pid_t
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in descriptors {
            // dup2 clears close-on-exec on the new descriptor, so it survives exec.
            posix_spawn_file_actions_adddup2(&actions, source, target)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Children start with default signal handling and an empty mask, whatever the supervisor set.
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return pid
    }
}

/// A pipe whose ends are close-on-exec (mapped into children explicitly when needed).
struct Pipe {
    let read: Int32
    let write: Int32

    static func make() -> Pipe? {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return Pipe(read: ends[0], write: ends[1])
    }
}
