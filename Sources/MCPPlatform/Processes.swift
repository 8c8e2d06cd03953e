#if canImport(Darwin)
    import Darwin
    #if canImport(MachO)
        import MachO
    #endif
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// This process and its children: ids, the executable, starting a child, reaping one,
/// signalling one.
package enum Processes {
    /// `getpid`.
    package static var currentID: Int32 { getpid() }

    /// `getuid`: the real user id.
    package static var userID: UInt32 { getuid() }

    /// `geteuid`: the effective user id (the owner of what this process creates).
    package static var effectiveUserID: UInt32 { geteuid() }

    /// The path of the running executable: a binary replaced on disk at that path is what the
    /// next child started from it runs. Nil when the platform cannot say.
    ///
    /// Linux: the `/proc/self/exe` link, without the " (deleted)" the kernel appends once the
    /// file was replaced. Darwin: `_NSGetExecutablePath`, the path it was started by, resolved.
    package static func executablePath() -> String? {
        #if canImport(Darwin)
            #if canImport(MachO)
                var size: UInt32 = 0
                _ = _NSGetExecutablePath(nil, &size)
                var buffer = [CChar](repeating: 0, count: Int(size) + 1)
                guard _NSGetExecutablePath(&buffer, &size) == 0 else { return nil }
                let path = String(cString: buffer)
                return FileSystem.resolvedPath(path) ?? path
            #else
                return nil
            #endif
        #else
            var buffer = [CChar](repeating: 0, count: 4096)
            let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            guard count > 0 else { return nil }
            var path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if path.hasSuffix(" (deleted)") { path.removeLast(" (deleted)".count) }
            return path
        #endif
    }

    /// Collects one exited child without waiting (`waitpid(-1, WNOHANG)`): its pid and raw
    /// wait status, or nil when no child has exited.
    package static func reapExitedChild() -> (pid: Int32, status: Int32)? {
        var status: Int32 = 0
        let pid = waitpid(-1, &status, WNOHANG)
        return pid > 0 ? (pid, status) : nil
    }

    /// `kill`: sends `signal` (see ``Signals``) to the process `pid`.
    package static func send(_ signal: Int32, to pid: Int32) {
        _ = kill(pid, signal)
    }

    /// `atexit`: runs `handler` when the process exits normally.
    package static func runAtExit(_ handler: @convention(c) () -> Void) {
        _ = atexit(handler)
    }
}

/// Starts a child process with `posix_spawn`, mapping chosen descriptors to fixed numbers in the
/// child (the way systemd passes sockets). Never `fork()`s a multithreaded Swift process, and
/// unlike Foundation's `Process` and swift-subprocess it can hand extra descriptors down.
package enum ProcessSpawner {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// Spawns `executable` with `arguments` and `environment`; `descriptors` maps a descriptor
    /// of this process to the number it gets in the child. Returns the child's pid.
    package static func spawn(
        executable: String, arguments: [String], environment: [String: String], descriptors: [(Int32, Int32)]
    )
        throws(Failure) -> Int32
    {
        // Darwin's posix_spawn types are opaque pointers the init functions allocate; Linux's
        // are structs the init functions fill in.
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
            var attributes: posix_spawnattr_t? = nil
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in descriptors {
            // dup2 clears close-on-exec on the new descriptor, so it survives exec.
            posix_spawn_file_actions_adddup2(&actions, source, target)
        }
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
