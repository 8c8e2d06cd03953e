import Synchronization

/// swift-metrics handles made once per set of label values and reused. Building a `Counter` or
/// `Timer` asks the backend every time (label sanitising, a registry lock, a lookup by label
/// pairs); on the request path that is several times per request. Label values must come from
/// a bounded set (routes, status codes, tool names), since every key is kept.
public final class MetricCache<Key: Hashable & Sendable, Handle: Sendable>: Sendable {
    private let handles = Mutex<[Key: Handle]>([:])
    private let make: @Sendable (Key) -> Handle

    /// - Parameter make: builds the handle for a key the first time it is asked for.
    public init(_ make: @escaping @Sendable (Key) -> Handle) {
        self.make = make
    }

    /// The handle for `key`.
    public subscript(key: Key) -> Handle {
        handles.withLock { handles in
            if let handle = handles[key] { return handle }
            let handle = make(key)
            handles[key] = handle
            return handle
        }
    }
}
