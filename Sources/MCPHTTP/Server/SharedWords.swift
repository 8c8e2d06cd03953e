package import Atomics
import MCPPlatform

/// A file mapped into every process that opens it (`mmap(MAP_SHARED)`), read and written as
/// 64-bit atomic words: what the tables worker processes share are built on (the session table,
/// the revoked sessions, the accept balance). Atomics only, so a crashed process cannot leave a
/// lock held.
package final class SharedWords: @unchecked Sendable {
    // @unchecked: the only stored state is the mapping's address and size, written once in init;
    // every access to the mapped memory goes through UnsafeAtomic operations.
    private let base: UnsafeMutableRawPointer
    /// The mapping's size.
    package let bytes: Int

    /// Why a file could not be mapped.
    package enum Failure: Error {
        /// It cannot be opened or created (a link where the file goes, no permission).
        case open
        /// `exactSize` was asked for and the file has another, non-zero size.
        case wrongSize
        /// The system refused the mapping.
        case map
    }

    /// Opens the file at `path` (created with mode 0600 when missing, never through a link) and
    /// maps `bytes` of it, growing a shorter file to that size; with `exactSize`, a file of any
    /// other size than 0 or `bytes` is refused (a table of another layout).
    package init(path: String, bytes: Int, exactSize: Bool = false) throws(Failure) {
        let descriptor = SharedMemory.openFile(path)
        guard descriptor >= 0 else { throw .open }
        defer { Descriptors.close(descriptor) }
        let size = SharedMemory.size(of: descriptor)
        if exactSize && size != 0 && size != bytes { throw .wrongSize }
        if size < bytes { SharedMemory.resize(descriptor, to: bytes) }
        guard let mapped = SharedMemory.map(descriptor, bytes: bytes) else { throw .map }
        base = mapped
        self.bytes = bytes
    }

    deinit { SharedMemory.unmap(base, bytes: bytes) }

    /// The 64-bit word at byte `offset` (a multiple of 8, below ``bytes``).
    package subscript(offset: Int) -> UnsafeAtomic<UInt64> {
        UnsafeAtomic(at: (base + offset).assumingMemoryBound(to: UInt64.AtomicRepresentation.self))
    }
}
