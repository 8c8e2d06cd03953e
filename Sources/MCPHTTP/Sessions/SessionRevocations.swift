import Synchronization

/// Sessions ended by DELETE, remembered until their absolute lifetime (`SESSION_MAX_AGE`) is
/// over, so that no process of the server adopts them again — not after the session table
/// forgot them, and not after a restart (a restarted server is another instance, for which
/// every earlier session is foreign and adoptable unless it was revoked).
///
/// Bounded: when the store is full of revocations still in their lifetime, it stops listing
/// sessions one by one and raises a floor instead — every foreign session issued at or before
/// the floor is refused. That may end sessions nobody deleted (their clients initialize again
/// after a 404) but never revives a deleted one.
public protocol SessionRevocations: Sendable {
    /// Remembers that the session `token` (issued at `issuedAt`) ended; forgotten after `expiresAt`.
    func revoke(token: String, issuedAt: Double, expiresAt: Double, now: Double)
    /// Whether the session `token`, issued at `issuedAt`, was revoked.
    func isRevoked(token: String, issuedAt: Double, now: Double) -> Bool
}

/// Revocations in this process's memory (one process; forgotten at exit).
package final class LocalSessionRevocations: SessionRevocations {
    private struct Table {
        var expiries: [String: Double] = [:]
        var floor = -Double.infinity
    }

    private let table = Mutex(Table())
    let capacity: Int

    /// A store of up to `capacity` revocations (at least 1) before it raises its floor instead.
    package init(capacity: Int = 16_384) {
        self.capacity = max(1, capacity)
    }

    /// Remembers the revocation; when full of live ones, raises the floor to `issuedAt` instead.
    package func revoke(token: String, issuedAt: Double, expiresAt: Double, now: Double) {
        table.withLock { table in
            if table.expiries.count >= capacity && table.expiries[token] == nil {
                table.expiries = table.expiries.filter { $0.value > now }
            }
            guard table.expiries.count < capacity || table.expiries[token] != nil else {
                table.floor = max(table.floor, issuedAt)
                return
            }
            table.expiries[token] = expiresAt
        }
    }

    /// True when `token` is remembered as revoked, or it was issued at or before the floor.
    package func isRevoked(token: String, issuedAt: Double, now: Double) -> Bool {
        table.withLock { table in
            issuedAt <= table.floor || (table.expiries[token].map { $0 > now } ?? false)
        }
    }
}
