import Foundation
public import MCPCore
import Synchronization

/// The part of a session that changes after `initialize`: when it was last used, the level
/// `logging/setLevel` chose, and whether it ended. Bounded in number (SEC-11, R-27) and idle
/// sessions expire.
public protocol SessionRegistry: Sendable {
    /// This server instance's id, sealed into every session it mints (random per start).
    var origin: String { get }
    /// Registers a new session; false when the cap is reached.
    func insert(token: String, now: Double) -> Bool
    /// Registers a session another server instance minted; false when the cap is reached or
    /// this registry saw that session end (best effort: as long as it remembers ended tokens).
    func adopt(token: String, now: Double) -> Bool
    /// Marks a live session used now and returns its log level choice; nil when it is unknown,
    /// expired or ended.
    func touch(token: String, now: Double) -> SessionActivity?
    /// Records the level `logging/setLevel` chose for a live session; does nothing for others.
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

    /// An entry with the given log level choice (nil: none made).
    public init(logLevel: LoggingLevel?) {
        self.logLevel = logLevel
    }
}

/// A registry in this process's memory (one process, or tests). Expired entries are removed
/// whenever a new session is inserted, so memory stays bounded by the cap; the tokens of ended
/// sessions are remembered (up to the cap, oldest forgotten first) so they are not adopted again.
package final class LocalSessionRegistry: SessionRegistry {
    struct Entry {
        var lastUsed: Double
        var logLevel: LoggingLevel?
    }

    struct Table {
        var live: [String: Entry] = [:]
        var ended: Set<String> = []
        var endedOrder: [String] = []

        mutating func end(_ token: String, capacity: Int) {
            guard live.removeValue(forKey: token) != nil, ended.insert(token).inserted else { return }
            endedOrder.append(token)
            if endedOrder.count > capacity { ended.remove(endedOrder.removeFirst()) }
        }
    }

    private let table = Mutex(Table())
    let capacity: Int
    let idleTTL: Double
    /// Random per registry, so per start of the process.
    package let origin = Base64URL.encode((0..<12).map { _ in UInt8.random(in: 0...255) })

    /// A registry of at most `capacity` live sessions, each expiring after `idleTTL` seconds unused.
    package init(capacity: Int, idleTTL: Double) {
        self.capacity = capacity
        self.idleTTL = idleTTL
    }

    /// Registers a new session; when full, first ends the sessions idle for `idleTTL`.
    package func insert(token: String, now: Double) -> Bool {
        table.withLock { table in
            if table.live.count >= capacity {
                for (token, entry) in table.live where now - entry.lastUsed >= idleTTL {
                    table.end(token, capacity: capacity)
                }
            }
            guard table.live.count < capacity else { return false }
            table.live[token] = Entry(lastUsed: now)
            return true
        }
    }

    /// Registers a foreign session unless it is live already or was seen to end.
    package func adopt(token: String, now: Double) -> Bool {
        guard table.withLock({ $0.ended.contains(token) || $0.live[token] != nil }) == false else { return false }
        return insert(token: token, now: now)
    }

    /// Marks a live session used now; ends and forgets one idle for `idleTTL` or more.
    package func touch(token: String, now: Double) -> SessionActivity? {
        table.withLock { table in
            guard var entry = table.live[token] else { return nil }
            guard now - entry.lastUsed < idleTTL else {
                table.end(token, capacity: capacity)
                return nil
            }
            entry.lastUsed = now
            table.live[token] = entry
            return SessionActivity(logLevel: entry.logLevel)
        }
    }

    /// Records the log level of a live session; does nothing for others.
    package func setLogLevel(token: String, level: LoggingLevel) {
        table.withLock { $0.live[token]?.logLevel = level }
    }

    /// Ends a session and remembers its token; false when it was not live.
    package func remove(token: String) -> Bool {
        table.withLock { table in
            guard table.live[token] != nil else { return false }
            table.end(token, capacity: capacity)
            return true
        }
    }

    /// Whether a session is live and not idle past `idleTTL`.
    package func contains(token: String, now: Double) -> Bool {
        table.withLock { table in table.live[token].map { now - $0.lastUsed < idleTTL } ?? false }
    }

    /// Sessions in the table, idle ones not yet removed included.
    package var count: Int { table.withLock { $0.live.count } }
}
