#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An advisory lock on a file (`flock`) that processes of one machine take in turns: at most one
/// opening of the file holds it exclusively (or any number hold it shared), and the kernel
/// releases it when its holder closes the file or exits, a crash included. Each process (or each
/// user in one process) opens the file itself: the lock belongs to the opening, so a descriptor
/// inherited across `fork` shares it.
package struct FileLock: Sendable {
    private let descriptor: Int32

    /// Opens the file at `path`, created with mode 0600 when missing; nil when it cannot be
    /// opened (``SystemErrno/current`` says why).
    package init?(path: String) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
    }

    /// Takes the lock unless another opening holds it; true when this one holds it (also when
    /// it already did). Never waits.
    package func tryAcquire() -> Bool {
        while true {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
            if errno != EINTR { return false }
        }
    }

    /// Takes a shared hold on the lock unless an opening holds it exclusively; true when this
    /// one holds it. Shared holders do not exclude each other, only ``tryAcquire()``. Never waits.
    package func tryAcquireShared() -> Bool {
        while true {
            if flock(descriptor, LOCK_SH | LOCK_NB) == 0 { return true }
            if errno != EINTR { return false }
        }
    }

    /// Lets the lock go, so another opening may take it.
    package func release() {
        _ = flock(descriptor, LOCK_UN)
    }

    /// Closes the file, which also lets the lock go.
    package func close() {
        _ = Descriptors.close(descriptor)
    }
}
