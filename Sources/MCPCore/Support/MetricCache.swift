import MCPPlatform
import Synchronization

/// swift-metrics handles made once per set of label values and reused. Building a `Counter` or
/// `Timer` asks the backend every time (label sanitising, a registry lock, a lookup by label
/// pairs); on the request path that is several times per request. Label values must come from
/// a bounded set (routes, status codes, tool names), since every key is kept.
///
/// Each thread keeps its own table of the handles it has used, so a request takes no lock:
/// a thread asks the shared table (under a lock) only the first time it meets a key. The
/// handles themselves are shared — a thread's table holds references to the same counters.
///
/// Public rather than `package` for speed: Swift 6.3 does not specialise an `@inlinable package`
/// subscript in another module, so every look-up from the HTTP layer went through generic code
/// (three per request, about 700 instructions more each). A tool can use it for its own metrics too.
public final class MetricCache<Key: Hashable & Sendable, Handle: Sendable>: Sendable {
    private let shared = Mutex<[Key: Handle]>([:])
    private let make: @Sendable (Key) -> Handle
    /// The thread-specific slot of this cache's per-thread tables.
    private let slot = ThreadLocalSlot()

    /// One thread's handles. Only ever touched by the thread that owns it.
    @usableFromInline final class ThreadTable {
        @usableFromInline var handles: [Key: Handle] = [:]

        @usableFromInline init() {}
    }

    /// - Parameter make: builds the handle for a key the first time it is asked for.
    public init(_ make: @escaping @Sendable (Key) -> Handle) {
        self.make = make
    }

    /// The handle for `key`. Inlinable, so that callers in other modules look their key up in a
    /// dictionary specialised to its types rather than in generic code that fetches type metadata
    /// on every call.
    @inlinable
    public subscript(key: Key) -> Handle {
        let table = threadTable()
        if let handle = table.handles[key] { return handle }
        return miss(key, table: table)
    }

    /// The calling thread's table, made on its first call.
    @usableFromInline
    func threadTable() -> ThreadTable {
        if let pointer = slot.object {
            // Only this cache stores in its slot, and only a ThreadTable.
            return Unmanaged<ThreadTable>.fromOpaque(pointer).takeUnretainedValue()
        }
        let table = ThreadTable()
        // Released when this thread ends.
        slot.store(table)
        return table
    }

    /// A key this thread has not used yet: the shared handle, made if no thread has asked yet.
    @usableFromInline
    func miss(_ key: Key, table: ThreadTable) -> Handle {
        let handle = shared.withLock { handles in
            if let handle = handles[key] { return handle }
            let handle = make(key)
            handles[key] = handle
            return handle
        }
        table.handles[key] = handle
        return handle
    }
}
