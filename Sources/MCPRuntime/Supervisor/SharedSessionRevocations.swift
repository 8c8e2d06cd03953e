import Atomics
import MCPHTTP
import MCPPlatform

/// Sessions ended by DELETE, in a memory-mapped file that every worker maps — and that outlives
/// the server when it lies in `RUNTIME_DIR`, so a restarted server (another instance, for which
/// earlier sessions are foreign and adoptable) still refuses them until their lifetime is over.
///
/// Fixed size (``slots`` entries, 512 KiB), open addressing over at most ``probes`` slots from a
/// token's home, 64-bit atomics only: no lock a crashed worker could leave held. An entry whose
/// lifetime is over is free again. When no slot is free near a token's home, the table raises
/// its floor instead (``SessionRevocations``): every foreign session issued at or before it is
/// refused, so a deleted session is never revived, whatever the load.
package final class SharedSessionRevocations: SessionRevocations, Sendable {
    private let words: SharedWords

    static let slots = 16_384
    static let probes = 64
    static let slotBytes = 32
    static let headerBytes = 64
    static let magic: UInt64 = 0x4D43_5052_4556_0001  // "MCPREV" v1

    enum SlotState: UInt64 { case empty = 0, used = 1, busy = 2 }

    /// Opens (creating when missing) the table at `path`; refuses a link or a file of another layout.
    package init(path: String) throws {
        let foreign = RuntimeError("\(path) is not a revoked-session table of this version; remove it")
        do {
            words = try SharedWords(path: path, bytes: Self.headerBytes + Self.slots * Self.slotBytes, exactSize: true)
        } catch .open {
            throw RuntimeError("cannot open the revoked-session table \(path)")
        } catch .wrongSize {
            throw foreign
        } catch {
            throw RuntimeError("cannot map the revoked-session table")
        }
        let header = words[8]
        _ = header.compareExchange(expected: 0, desired: Self.magic, ordering: .acquiringAndReleasing)
        guard header.load(ordering: .acquiring) == Self.magic else { throw foreign }
    }

    private func word(_ offset: Int) -> UnsafeAtomic<UInt64> { words[offset] }

    /// Header word 0: the floor (seconds); word 8: the magic number.
    private var floor: UnsafeAtomic<UInt64> { word(0) }
    private func field(_ slot: Int, _ index: Int) -> UnsafeAtomic<UInt64> {
        word(Self.headerBytes + slot * Self.slotBytes + index * 8)
    }

    static func seconds(_ time: Double) -> UInt64 { UInt64(max(0, time.rounded(.up))) }

    /// Remembers the revocation in the shared file; when its probe range is full, raises the floor to `issuedAt`.
    package func revoke(token: String, issuedAt: Double, expiresAt: Double, now: Double) {
        guard let key = SharedSessionRegistry.key(token) else { return }
        let home = Int(truncatingIfNeeded: key.0 % UInt64(Self.slots))
        let current = Self.seconds(now)
        for step in 0..<Self.probes {
            let slot = (home + step) % Self.slots
            let state = field(slot, 0).load(ordering: .acquiring)
            if state == SlotState.used.rawValue, field(slot, 1).load(ordering: .relaxed) == key.0,
                field(slot, 2).load(ordering: .relaxed) == key.1
            {
                return
            }
            let free =
                state == SlotState.empty.rawValue
                || (state == SlotState.used.rawValue && field(slot, 3).load(ordering: .relaxed) <= current)
            guard free,
                field(slot, 0).compareExchange(
                    expected: state, desired: SlotState.busy.rawValue, ordering: .acquiringAndReleasing
                ).exchanged
            else { continue }
            field(slot, 1).store(key.0, ordering: .relaxed)
            field(slot, 2).store(key.1, ordering: .relaxed)
            field(slot, 3).store(Self.seconds(expiresAt), ordering: .relaxed)
            field(slot, 0).store(SlotState.used.rawValue, ordering: .releasing)
            return
        }
        // Full around this token's home: raise the floor instead of forgetting anything.
        let wanted = Self.seconds(issuedAt)
        var observed = floor.load(ordering: .relaxed)
        while observed < wanted {
            let (exchanged, original) = floor.compareExchange(
                expected: observed, desired: wanted, ordering: .acquiringAndReleasing)
            if exchanged { break }
            observed = original
        }
    }

    /// True when the token is listed and its lifetime not over, or it was issued at or before the floor.
    package func isRevoked(token: String, issuedAt: Double, now: Double) -> Bool {
        if Self.seconds(issuedAt) <= floor.load(ordering: .acquiring) { return true }
        guard let key = SharedSessionRegistry.key(token) else { return false }
        let home = Int(truncatingIfNeeded: key.0 % UInt64(Self.slots))
        let current = Self.seconds(now)
        for step in 0..<Self.probes {
            let slot = (home + step) % Self.slots
            let state = field(slot, 0).load(ordering: .acquiring)
            if state == SlotState.empty.rawValue { return false }
            if state == SlotState.used.rawValue, field(slot, 1).load(ordering: .relaxed) == key.0,
                field(slot, 2).load(ordering: .relaxed) == key.1
            {
                return field(slot, 3).load(ordering: .relaxed) > current
            }
        }
        return false
    }
}
