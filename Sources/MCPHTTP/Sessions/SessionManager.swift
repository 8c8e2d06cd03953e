import Foundation
package import MCPCore

/// Handshake-era sessions over HTTP: ids sealed with a key all workers share (``SessionSealer``),
/// their changing part in a ``SessionRegistry``, their streams in this process's ``StreamHub``.
///
/// A session minted by another server instance — a replica behind a load balancer that shares
/// `SECRET_KEY`, or this server before a restart — is adopted on first use: its sealed state is
/// all a replica needs. One this instance minted, or one that ended by DELETE (remembered in
/// ``SessionRevocations``, across restarts when they are kept in `RUNTIME_DIR`), is never
/// revived. Every id ends `maxAge` seconds after it was issued, however active.
package final class SessionManager: Sendable {
    let sealer: SessionSealer
    let registry: any SessionRegistry
    let revocations: any SessionRevocations
    let hub: StreamHub
    /// Seconds an id stays valid after `initialize` (`SESSION_MAX_AGE`).
    package let maxAge: Double

    /// Sessions sealed by `sealer` and kept in `registry`, each stream replaying up to `replayBufferSize` events;
    /// revocations default to this process's memory, ids to 24 hours of life.
    package init(
        sealer: SessionSealer, registry: any SessionRegistry, replayBufferSize: Int,
        revocations: (any SessionRevocations)? = nil, maxAge: Double = 86_400
    ) {
        self.sealer = sealer
        self.registry = registry
        self.revocations = revocations ?? LocalSessionRevocations()
        self.hub = StreamHub(eventsPerStream: replayBufferSize)
        self.maxAge = maxAge
    }

    static var now: Double { Date().timeIntervalSince1970 }

    /// A new session id for `state`, bound to `principal`; nil when the cap is reached.
    package func create(_ state: SessionState, principal: String) -> String? {
        let id = sealer.seal(state, principal: principal, origin: registry.origin, issuedAt: Self.now)
        guard let token = id.split(separator: ".").first, registry.insert(token: String(token), now: Self.now) else {
            return nil
        }
        return id
    }

    /// The live session `id` names for this caller. Nil for unknown, expired or ended sessions,
    /// and for sessions another credential created (SEC-7: 404, not 403, so existence does not leak).
    package func open(_ id: String, principal: String) -> SealedSession? {
        guard let sealed = sealer.open(id), sealed.principal == principal else { return nil }
        let now = Self.now
        // Past its lifetime, or issued in the future (clocks of replicas differ by less than a minute).
        guard now - sealed.issuedAt <= maxAge, sealed.issuedAt <= now + 60 else {
            _ = registry.remove(token: sealed.token)
            return nil
        }
        let activity: SessionActivity
        if let known = registry.touch(token: sealed.token, now: now) {
            activity = known
        } else if sealed.origin != registry.origin,
            !revocations.isRevoked(token: sealed.token, issuedAt: sealed.issuedAt, now: now),
            registry.adopt(token: sealed.token, now: now)
        {
            activity = SessionActivity(logLevel: nil)
        } else {
            return nil
        }
        guard let level = activity.logLevel else { return sealed }
        var state = sealed.state
        state.logLevel = level
        return SealedSession(
            token: sealed.token, state: state, principal: sealed.principal, origin: sealed.origin,
            issuedAt: sealed.issuedAt)
    }

    /// Records the level `logging/setLevel` chose for the session, for every worker.
    package func setLogLevel(_ session: SealedSession, level: LoggingLevel) {
        registry.setLogLevel(token: session.token, level: level)
    }

    /// Ends a session (DELETE) for every process of this server and, within its lifetime, for
    /// every later start of it; false when it was not live.
    package func end(_ session: SealedSession) -> Bool {
        hub.remove(token: session.token)
        revocations.revoke(
            token: session.token, issuedAt: session.issuedAt, expiresAt: session.issuedAt + maxAge, now: Self.now)
        return registry.remove(token: session.token)
    }

    /// Forgets the streams of sessions that expired.
    package func sweep() {
        let now = Self.now
        hub.sweep { registry.contains(token: $0, now: now) }
    }

    /// Sessions live right now, as the registry counts them.
    package var liveSessions: Int { registry.count }
}
