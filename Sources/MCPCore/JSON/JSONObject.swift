/// A JSON object that keeps its keys in insertion order.
///
/// Lookups scan from the end, so when parsed text repeats a key the last one wins, as in most
/// JSON parsers. Objects in MCP messages are small; a linear scan beats hashing there.
/// Equality ignores key order.
public struct JSONObject: Sendable {
    /// The keys in insertion order, repeated keys from parsed text included.
    public private(set) var keys: [String]
    /// The values, in the same order as ``keys``.
    public private(set) var values: [JSONValue]

    /// An empty object.
    public init() {
        keys = []
        values = []
    }

    /// An empty object with room for `minimumCapacity` keys.
    public init(minimumCapacity: Int) {
        keys = []
        values = []
        keys.reserveCapacity(minimumCapacity)
        values.reserveCapacity(minimumCapacity)
    }

    /// An object of `pairs` in order; for a repeated key the later value replaces the earlier in place.
    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        self.init(minimumCapacity: pairs.underestimatedCount)
        for (key, value) in pairs { self[key] = value }
    }

    /// The number of keys, repeated keys included.
    public var count: Int { keys.count }
    /// True when the object has no keys.
    public var isEmpty: Bool { keys.isEmpty }

    /// The value for `key`, or nil. Setting nil removes the key; setting a value for a new key
    /// appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let index = index(of: key) else { return nil }
            return values[index]
        }
        set {
            if let index = index(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Appends a key without looking for an earlier one: for builders that know keys are unique.
    public mutating func append(_ key: String, _ value: JSONValue) {
        keys.append(key)
        values.append(value)
    }

    /// True when the object has `key`, whatever its value (`null` included).
    public func contains(_ key: String) -> Bool { index(of: key) != nil }

    private func index(of key: String) -> Int? {
        // Comparing lengths first (stored, no call) skips the runtime's string comparison for
        // most keys that differ: it is the most frequent comparison on the request path.
        let length = key.utf8.count
        var index = keys.count - 1
        while index >= 0 {
            if keys[index].utf8.count == length && keys[index] == key { return index }
            index -= 1
        }
        return nil
    }
}

extension JSONObject: Sequence {
    /// The key–value pairs in order, repeated keys included.
    public func makeIterator() -> some IteratorProtocol<(key: String, value: JSONValue)> {
        var index = 0
        let keys = keys
        let values = values
        return AnyIterator {
            guard index < keys.count else { return nil }
            defer { index += 1 }
            return (keys[index], values[index])
        }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// An object of the literal's pairs in order; a repeated key keeps its first position and last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

extension JSONObject: Hashable {
    /// Equal when both have the same keys with equal values, in any order (repeated keys folded to the last).
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        let left = lhs.uniqued()
        let right = rhs.uniqued()
        guard left.count == right.count else { return false }
        for (key, value) in left where right[key] != value { return false }
        return true
    }

    /// Hashes the keys and values regardless of order, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        let unique = uniqued()
        hasher.combine(unique.count)
        for key in unique.keys.sorted() { hasher.combine(key); hasher.combine(unique[key]) }
    }

    /// The object with repeated keys folded to their last value.
    fileprivate func uniqued() -> JSONObject {
        guard Set(keys).count != keys.count else { return self }
        var result = JSONObject()
        for (key, value) in zip(keys, values) { result[key] = value }
        return result
    }
}

extension JSONValue {
    /// The value with every object's repeated keys folded into one, recursively: the key keeps
    /// its first position and takes its last value — what lookups see, and what Python's `json`
    /// does. Writers that must not emit duplicate keys (files) use it.
    public func uniquingKeys() -> JSONValue {
        hasRepeatedKeys ? uniquedCopy() : self
    }

    /// Whether some object in this value repeats a key (checked without copying anything).
    var hasRepeatedKeys: Bool {
        switch self {
        case .array(let elements): return elements.contains { $0.hasRepeatedKeys }
        case .object(let object):
            return (object.count > 1 && Set(object.keys).count != object.count)
                || object.values.contains { $0.hasRepeatedKeys }
        default: return false
        }
    }

    private func uniquedCopy() -> JSONValue {
        switch self {
        case .array(let elements): return .array(elements.map { $0.uniquedCopy() })
        case .object(let object):
            let unique = object.uniqued()
            var result = JSONObject(minimumCapacity: unique.count)
            for (key, value) in zip(unique.keys, unique.values) { result.append(key, value.uniquedCopy()) }
            return .object(result)
        default: return self
        }
    }
}
