import Atomics
package import MCPCore
package import MCPHTTP
import MCPPlatform

/// The changing state of handshake-era sessions, in a memory-mapped table every worker process
/// of one server shares: a session created by one worker is live, touched, given a log level
/// and ended for all of them at once (a DELETE on one worker is a 404 on the next).
///
/// Fixed-size open addressing; every field is a 64-bit atomic, so workers never lock each other
/// and a crashed worker cannot leave a lock held. Expired entries are reclaimed by inserts. An
/// ended session's slot keeps its token until an insert reuses it, which is how the table
/// remembers not to adopt it again. The header holds the server instance's origin.
package final class SharedSessionRegistry: SessionRegistry, Sendable {
    private let words: SharedWords
    private let slots: Int
    let capacity: Int
    let idleTTL: Double
    /// Random, set by the first process that opens the table: one origin for every worker of this run.
    package let origin: String

    static let slotBytes = 64
    static let headerBytes = 64

    enum SlotState: UInt64 { case empty = 0, live = 1, busy = 2, removed = 3 }

    /// Creates (or opens) the table file at `path`, sized for `capacity` live sessions.
    package init(path: String, capacity: Int, idleTTL: Double) throws {
        self.capacity = capacity
        self.idleTTL = idleTTL
        slots = max(16, capacity * 2)
        do {
            words = try SharedWords(path: path, bytes: Self.headerBytes + slots * Self.slotBytes)
        } catch .open {
            throw RuntimeError("cannot open the session table \(path)")
        } catch {
            throw RuntimeError("cannot map the session table")
        }
        let originWord = words[8]
        var random = SystemRandomNumberGenerator()
        _ = originWord.compareExchange(expected: 0, desired: random.next() | 1, ordering: .acquiringAndReleasing)
        origin = String(originWord.load(ordering: .acquiring), radix: 36)
    }

    private func word(_ offset: Int) -> UnsafeAtomic<UInt64> { words[offset] }

    /// Header: word 0 counts live sessions; word 8 is the origin, set once by the first process
    /// that maps the table, so every worker of one server reports the same.
    private var liveCount: UnsafeAtomic<UInt64> { word(0) }
    private func state(_ slot: Int) -> UnsafeAtomic<UInt64> { word(Self.headerBytes + slot * Self.slotBytes) }
    private func tokenHigh(_ slot: Int) -> UnsafeAtomic<UInt64> { word(Self.headerBytes + slot * Self.slotBytes + 8) }
    private func tokenLow(_ slot: Int) -> UnsafeAtomic<UInt64> { word(Self.headerBytes + slot * Self.slotBytes + 16) }
    private func lastUsed(_ slot: Int) -> UnsafeAtomic<UInt64> { word(Self.headerBytes + slot * Self.slotBytes + 24) }
    private func logLevel(_ slot: Int) -> UnsafeAtomic<UInt64> { word(Self.headerBytes + slot * Self.slotBytes + 32) }

    /// The token's 128 bits, or nil when it is not one of ours.
    static func key(_ token: String) -> (UInt64, UInt64)? {
        guard let bytes = Base64URL.decode(token), bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
        for index in 8..<16 { low = low << 8 | UInt64(bytes[index]) }
        return (high, low)
    }

    static func milliseconds(_ seconds: Double) -> UInt64 { UInt64(max(0, seconds * 1000)) }

    private func isExpired(_ slot: Int, now: Double) -> Bool {
        let used = lastUsed(slot).load(ordering: .acquiring)
        let current = Self.milliseconds(now)
        return current > used && current - used >= Self.milliseconds(idleTTL)
    }

    /// The live slot holding `key`, following the probe sequence.
    private func find(_ key: (UInt64, UInt64)) -> Int? {
        find(key, in: [.live])
    }

    /// The slot holding `key` in one of `states`, following the probe sequence.
    private func find(_ key: (UInt64, UInt64), in states: Set<SlotState>) -> Int? {
        let start = Int(truncatingIfNeeded: key.0 % UInt64(slots))
        for step in 0..<slots {
            let slot = (start + step) % slots
            guard let current = SlotState(rawValue: state(slot).load(ordering: .acquiring)) else { continue }
            if current == .empty { return nil }
            if states.contains(current) && tokenHigh(slot).load(ordering: .relaxed) == key.0
                && tokenLow(slot).load(ordering: .relaxed) == key.1
            {
                return slot
            }
        }
        return nil
    }

    /// Ends `slot` if it is still live; true when this call ended it.
    private func end(_ slot: Int) -> Bool {
        guard
            state(slot).compareExchange(
                expected: SlotState.live.rawValue, desired: SlotState.removed.rawValue, ordering: .acquiringAndReleasing
            ).exchanged
        else { return false }
        liveCount.wrappingDecrement(ordering: .relaxed)
        return true
    }

    /// Ends every live session whose idle time is over, so that ``count`` is the sessions still
    /// in their TTL (inserts sweep only when the table is full).
    func sweep(now: Double) {
        for slot in 0..<slots
        where state(slot).load(ordering: .acquiring) == SlotState.live.rawValue && isExpired(slot, now: now) {
            _ = end(slot)
        }
    }

    /// Registers a new session; when full, first ends the expired ones. False when still full or `token` is malformed.
    package func insert(token: String, now: Double) -> Bool {
        guard let key = Self.key(token) else { return false }
        if liveCount.load(ordering: .relaxed) >= UInt64(capacity) { sweep(now: now) }
        guard liveCount.load(ordering: .relaxed) < UInt64(capacity) else { return false }
        let start = Int(truncatingIfNeeded: key.0 % UInt64(slots))
        for step in 0..<slots {
            let slot = (start + step) % slots
            let current = state(slot).load(ordering: .acquiring)
            let reusable =
                current == SlotState.empty.rawValue || current == SlotState.removed.rawValue
                || (current == SlotState.live.rawValue && isExpired(slot, now: now) && end(slot))
            guard reusable else { continue }
            let observed = state(slot).load(ordering: .acquiring)
            guard observed != SlotState.live.rawValue, observed != SlotState.busy.rawValue,
                state(slot).compareExchange(
                    expected: observed, desired: SlotState.busy.rawValue, ordering: .acquiringAndReleasing
                ).exchanged
            else { continue }
            tokenHigh(slot).store(key.0, ordering: .relaxed)
            tokenLow(slot).store(key.1, ordering: .relaxed)
            lastUsed(slot).store(Self.milliseconds(now), ordering: .relaxed)
            logLevel(slot).store(0, ordering: .relaxed)
            state(slot).store(SlotState.live.rawValue, ordering: .releasing)
            liveCount.wrappingIncrement(ordering: .relaxed)
            return true
        }
        return false
    }

    /// Registers a foreign session unless the table knows its token, live or ended.
    package func adopt(token: String, now: Double) -> Bool {
        guard let key = Self.key(token), find(key, in: [.live, .removed]) == nil else { return false }
        return insert(token: token, now: now)
    }

    /// Marks a live session used now; ends one idle past `idleTTL` and returns nil for it.
    package func touch(token: String, now: Double) -> SessionActivity? {
        guard let key = Self.key(token), let slot = find(key) else { return nil }
        if isExpired(slot, now: now) {
            _ = end(slot)
            return nil
        }
        lastUsed(slot).store(Self.milliseconds(now), ordering: .relaxed)
        let level = logLevel(slot).load(ordering: .relaxed)
        return SessionActivity(logLevel: level == 0 ? nil : LoggingLevel.allCases[Int(level) - 1])
    }

    /// Records the level `logging/setLevel` chose, for every worker at once.
    package func setLogLevel(token: String, level: LoggingLevel) {
        guard let key = Self.key(token), let slot = find(key) else { return }
        logLevel(slot).store(UInt64(LoggingLevel.allCases.firstIndex(of: level)! + 1), ordering: .relaxed)
    }

    /// Ends a session for every worker; false when it was not live.
    package func remove(token: String) -> Bool {
        guard let key = Self.key(token), let slot = find(key) else { return false }
        return end(slot)
    }

    /// Whether a session is live and not idle past `idleTTL`, without marking it used.
    package func contains(token: String, now: Double) -> Bool {
        guard let key = Self.key(token), let slot = find(key) else { return false }
        return !isExpired(slot, now: now)
    }

    /// Live sessions in the table, idle ones not yet reclaimed included.
    package var count: Int { Int(liveCount.load(ordering: .relaxed)) }
}

/// A failure of the runtime machinery (sockets, files, processes), with a message for the log.
struct RuntimeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
