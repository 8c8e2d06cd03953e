#if canImport(Darwin)
    import Darwin
    import Dispatch  // qos_class_t and QOS_CLASS_UTILITY, wherever the SDK declares them
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Operating-system threads of this package's own (not Dispatch's or Swift's concurrency pool).
package enum PlatformThread {
    /// Starts a detached thread that runs `body`; false when the thread could not be created.
    ///
    /// - Parameter niceness: nil runs `body` at the creating thread's priority. A value lowers
    ///   the new thread's own scheduling priority first, so its work uses idle CPU and other
    ///   threads get the CPU first. Linux: `setpriority(PRIO_PROCESS, 0, niceness)`, which
    ///   there sets the calling thread's niceness only (nice 10 is about a tenth of a normal
    ///   thread's CPU share when both want the CPU). Darwin: the same call would renice the
    ///   whole process, so the thread takes the utility QoS class instead (the number is not
    ///   used there).
    @discardableResult
    package static func startDetached(niceness: Int32? = nil, _ body: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(ThreadStart(niceness: niceness, body: body)).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t? = nil
            let created = pthread_create(
                &thread, nil,
                { context in
                    Unmanaged<ThreadStart>.fromOpaque(context).takeRetainedValue().run()
                    return nil
                }, context)
            if created == 0, let thread { pthread_detach(thread) }
        #else
            var thread = pthread_t()
            let created = pthread_create(
                &thread, nil,
                { context in
                    Unmanaged<ThreadStart>.fromOpaque(context!).takeRetainedValue().run()
                    return nil
                }, context)
            if created == 0 { pthread_detach(thread) }
        #endif
        if created != 0 { Unmanaged<ThreadStart>.fromOpaque(context).release() }
        return created == 0
    }

    /// Names the calling thread for `top -H`, `ps -L` and debuggers (`/proc/<pid>/task/*/comm`
    /// on Linux), cut to the 15 bytes Linux keeps. Foundation's `Thread.name` does not reach
    /// the kernel there, and Glibc's module hides `pthread_setname_np`, so Linux gets the name
    /// written to `/proc/thread-self/comm`.
    package static func nameCurrent(_ name: String) {
        let bytes = Array(name.utf8.prefix(15))
        #if canImport(Darwin)
            _ = (bytes + [0]).withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { pthread_setname_np($0.baseAddress!) }
            }
        #else
            let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return }
            _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        #endif
    }

    /// `usleep`: blocks the calling thread (never call it on the concurrency pool).
    package static func sleep(microseconds: UInt32) {
        _ = usleep(useconds_t(microseconds))
    }
}

/// What a new thread runs, handed to it through `pthread_create`'s context pointer.
private final class ThreadStart {
    let niceness: Int32?
    let body: @Sendable () -> Void

    init(niceness: Int32?, body: @escaping @Sendable () -> Void) {
        self.niceness = niceness
        self.body = body
    }

    func run() {
        if let niceness { lowerCallingThreadPriority(niceness) }
        body()
    }
}

/// Lowers the scheduling priority of the calling thread only.
private func lowerCallingThreadPriority(_ niceness: Int32) {
    #if canImport(Darwin)
        // Utility: below the default class, above background (which may wait for minutes).
        _ = pthread_set_qos_class_self_np(QOS_CLASS_UTILITY, 0)
    #elseif canImport(Glibc)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
    #elseif canImport(Musl)
        _ = setpriority(PRIO_PROCESS, 0, niceness)
    #endif
}

/// A thread-specific slot (`pthread_key_t`): each thread stores one object of its own in it,
/// retained, and released when that thread ends.
package final class ThreadLocalSlot: Sendable {
    private let key: pthread_key_t

    package init() {
        var key = pthread_key_t()
        // The destructor runs when a thread ends and releases that thread's object.
        #if canImport(Darwin)
            let created = pthread_key_create(&key) { object in
                Unmanaged<AnyObject>.fromOpaque(object).release()
            }
        #else
            let created = pthread_key_create(&key) { object in
                if let object { Unmanaged<AnyObject>.fromOpaque(object).release() }
            }
        #endif
        precondition(created == 0, "pthread_key_create failed: \(created)")
        self.key = key
    }

    deinit {
        pthread_key_delete(key)
    }

    /// The calling thread's object (unretained), nil until it stored one.
    package var object: UnsafeMutableRawPointer? {
        pthread_getspecific(key)
    }

    /// Stores `object` as the calling thread's (retained until the thread ends).
    package func store(_ object: AnyObject) {
        pthread_setspecific(key, Unmanaged.passRetained(object).toOpaque())
    }
}
