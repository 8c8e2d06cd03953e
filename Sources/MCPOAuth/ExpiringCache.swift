#if OAuth
    import Synchronization

    /// Verdicts on tokens, each kept until its own deadline, at most `capacity` of them: when full,
    /// expired entries go first, then everything (a flood of new tokens cannot grow it).
    final class ExpiringCache<Value: Sendable>: Sendable {
        private let capacity: Int
        private let entries = Mutex<[String: (value: Value, until: Double)]>([:])

        init(capacity: Int) {
            self.capacity = capacity
        }

        /// The value for `key` while it is still valid at `time`.
        func value(_ key: String, at time: Double) -> Value? {
            guard let entry = entries.withLock({ $0[key] }), entry.until > time else { return nil }
            return entry.value
        }

        func store(_ value: Value, for key: String, until: Double, now time: Double) {
            guard capacity > 0 else { return }
            entries.withLock { entries in
                if entries.count >= capacity {
                    entries = entries.filter { $0.value.until > time }
                    if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                }
                entries[key] = (value, until)
            }
        }
    }
#endif
