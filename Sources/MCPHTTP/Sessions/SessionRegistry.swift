import Foundation
public import MCPCore
import Synchronization

/// The part of a session that changes after `initialize`: when it was last used, the level
/// `logging/setLevel` chose, and whether it ended. Bounded in number (SEC-11, R-27) and idle
/// sessions expire.
public protocol SessionRegistry: Sendable {
    /// Registers a new session; false when the cap is reached.
    func insert(token: String, now: Double) -> Bool
    /// Marks a live session used now and returns its log level choice; nil when it is unknown,
    /// expired or ended.
    func touch(token: String, now: Double) -> SessionActivity?
    func setLogLevel(token: String, level: LoggingLevel)
    /// Ends a session; false when it was not live.
    func remove(token: String) -> Bool
    /// Whether a session is live, without marking it used.
    func contains(token: String, now: Double) -> Bool
    /// Live sessions.
    var count: Int { get }
}

/// What a live session's registry entry says.
public struct SessionActivity: Sendable {
    /// Set by `logging/setLevel`; nil keeps the level sealed in the id.
    public var logLevel: LoggingLevel?

    public init(logLevel: LoggingLevel?) {
        self.logLevel = logLevel
    }
}

/// A registry in this process's memory (one process, or tests). Expired entries are removed
/// whenever a new session is inserted, so memory stays bounded by the cap.
public final class LocalSessionRegistry: SessionRegistry {
    struct Entry {
        var lastUsed: Double
        var logLevel: LoggingLevel?
    }

    private let entries = Mutex<[String: Entry]>([:])
    let capacity: Int
    let idleTTL: Double

    public init(capacity: Int, idleTTL: Double) {
        self.capacity = capacity
        self.idleTTL = idleTTL
    }

    public func insert(token: String, now: Double) -> Bool {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now - $0.value.lastUsed < idleTTL }
            }
            guard entries.count < capacity else { return false }
            entries[token] = Entry(lastUsed: now)
            return true
        }
    }

    public func touch(token: String, now: Double) -> SessionActivity? {
        entries.withLock { entries in
            guard var entry = entries[token] else { return nil }
            guard now - entry.lastUsed < idleTTL else {
                entries[token] = nil
                return nil
            }
            entry.lastUsed = now
            entries[token] = entry
            return SessionActivity(logLevel: entry.logLevel)
        }
    }

    public func setLogLevel(token: String, level: LoggingLevel) {
        entries.withLock { $0[token]?.logLevel = level }
    }

    public func remove(token: String) -> Bool {
        entries.withLock { $0.removeValue(forKey: token) != nil }
    }

    public func contains(token: String, now: Double) -> Bool {
        entries.withLock { entries in entries[token].map { now - $0.lastUsed < idleTTL } ?? false }
    }

    public var count: Int { entries.withLock { $0.count } }
}
