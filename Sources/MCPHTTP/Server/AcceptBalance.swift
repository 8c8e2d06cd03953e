import Atomics
import Dispatch
import MCPPlatform
import Synchronization

/// How many connections each worker process of one server holds, in a small memory-mapped table
/// they all share, so that the worker with the fewest takes the next one.
///
/// Without it, a burst of connections (a load balancer opening its keep-alive pool, a client
/// starting up) goes to whichever worker wakes first: that one accepts until the queue is empty,
/// and one worker may end up with every connection while the others idle. A worker that is ahead
/// of its least-loaded sibling by more than ``slack`` therefore leaves a waiting connection to
/// that sibling for a moment (``SocketAcceptor`` decides how long).
///
/// Each process has a seat: its pid, whether it still accepts, and its open connections, one
/// cache line each. A seat is given back by the supervisor once its process has exited (a crash
/// included), never by the process itself, so no write of a draining process can land in a seat
/// another process has taken. Every field is a 64-bit atomic: no process locks another.
package final class AcceptBalance: Sendable {
    private let words: SharedWords

    /// Seats in the table: every worker of the largest tree (256) and its replacements.
    static let seats = 512
    static let seatBytes = 64
    static let headerBytes = 64
    static let mappedBytes = headerBytes + seats * seatBytes
    /// How many connections a worker may be ahead of its least-loaded sibling and still accept.
    package static let slack = 1
    /// How far ahead of its least-loaded sibling a worker may be before it hands connections
    /// back (a quarter of its own, and at least this many): see ``Seat/isCrowded``.
    package static let crowdMargin = 4

    /// Opens (creating it when missing) the table file at `path`.
    package init(path: String) throws {
        do {
            words = try SharedWords(path: path, bytes: Self.mappedBytes)
        } catch {
            throw AcceptFileError(
                file: "accept-balance table", path: path, reason: SystemErrno.message(SystemErrno.current))
        }
    }

    private func word(_ offset: Int) -> UnsafeAtomic<UInt64> { words[offset] }

    /// Header word 0: one past the highest seat ever taken, so readers scan only that far.
    private var seatsInUse: UnsafeAtomic<UInt64> { word(0) }
    private func owner(_ seat: Int) -> UnsafeAtomic<UInt64> { word(Self.headerBytes + seat * Self.seatBytes) }
    private func accepting(_ seat: Int) -> UnsafeAtomic<UInt64> { word(Self.headerBytes + seat * Self.seatBytes + 8) }
    private func open(_ seat: Int) -> UnsafeAtomic<UInt64> { word(Self.headerBytes + seat * Self.seatBytes + 16) }

    /// Takes a free seat for process `pid`, accepting and with no connection; nil when every
    /// seat is taken (the process then accepts without looking at its siblings).
    package func takeSeat(pid: Int32) -> Seat? {
        let me = UInt64(UInt32(bitPattern: pid))
        for seat in 0..<Self.seats {
            guard owner(seat).compareExchange(expected: 0, desired: me, ordering: .acquiringAndReleasing).exchanged
            else { continue }
            open(seat).store(0, ordering: .relaxed)
            accepting(seat).store(1, ordering: .releasing)
            var used = seatsInUse.load(ordering: .relaxed)
            while used < UInt64(seat + 1) {
                let (exchanged, current) = seatsInUse.compareExchange(
                    expected: used, desired: UInt64(seat + 1), ordering: .relaxed)
                if exchanged { break }
                used = current
            }
            return Seat(table: self, index: seat)
        }
        return nil
    }

    /// Gives back the seat of process `pid`, which has exited (the supervisor calls this).
    package func vacate(pid: Int32) {
        let gone = UInt64(UInt32(bitPattern: pid))
        for seat in 0..<Int(seatsInUse.load(ordering: .relaxed)) where owner(seat).load(ordering: .relaxed) == gone {
            accepting(seat).store(0, ordering: .relaxed)
            owner(seat).store(0, ordering: .releasing)
        }
    }

    /// The fewest connections an accepting sibling of `seat` holds; nil when it has none.
    func leastOpen(besides seat: Int) -> Int? {
        var least: UInt64?
        for other in 0..<Int(seatsInUse.load(ordering: .relaxed)) where other != seat {
            guard owner(other).load(ordering: .relaxed) != 0, accepting(other).load(ordering: .acquiring) == 1 else {
                continue
            }
            let count = open(other).load(ordering: .relaxed)
            least = min(least ?? count, count)
        }
        return least.map { Int(truncatingIfNeeded: $0) }
    }

    /// One process's place in the table; only that process writes it.
    package struct Seat: Sendable {
        let table: AcceptBalance
        let index: Int

        /// A connection was accepted.
        package func opened() { table.open(index).wrappingIncrement(ordering: .relaxed) }
        /// A connection closed.
        package func closed() { table.open(index).wrappingDecrement(ordering: .relaxed) }
        /// This process stops or resumes accepting (a drain, its connection limit): siblings
        /// stop or resume waiting for it.
        package func setAccepting(_ accepting: Bool) {
            table.accepting(index).store(accepting ? 1 : 0, ordering: .relaxed)
        }

        /// Whether a sibling that accepts holds more than ``AcceptBalance/slack`` connections fewer
        /// than this process: it should take the next connection.
        package var isAhead: Bool {
            guard let (mine, least) = standing else { return false }
            return mine > least + AcceptBalance.slack
        }

        /// Whether this process holds far more connections than a sibling that accepts — more
        /// than ``AcceptBalance/crowdMargin`` and a quarter of its own ahead: a replaced sibling
        /// starts with none while keep-alive connections stay where they are, so its next
        /// answers close their connections and the clients' new ones go to the sibling.
        package var isCrowded: Bool {
            guard let (mine, least) = standing else { return false }
            return mine - least > max(AcceptBalance.crowdMargin, mine / 4)
        }

        /// This process's open connections and the fewest an accepting sibling holds; nil when
        /// no sibling accepts.
        private var standing: (mine: Int, least: Int)? {
            guard let least = table.leastOpen(besides: index) else { return nil }
            return (Int(truncatingIfNeeded: table.open(index).load(ordering: .relaxed)), least)
        }
    }
}

/// This process's seat in the accept-balance table, once it has taken one: the server sets it,
/// answers read it.
package final class BalanceSeatHolder: Sendable {
    private let seat = Mutex<AcceptBalance.Seat?>(nil)
    /// When an answer last handed its connection back (`DispatchTime` nanoseconds).
    private let lastHandBack = Atomic<UInt64>(0)
    /// At most one connection handed back per interval: 64 move in well under a second, and a
    /// sibling that takes none (stopped, its event loops stuck until the supervisor replaces it)
    /// costs this worker's clients at most 100 reconnects a second, not one per request.
    package static let handBackInterval: UInt64 = 10_000_000

    /// No seat yet.
    package init() {}

    /// The seat taken, or nil when this process accepts without the table.
    package func hold(_ seat: AcceptBalance.Seat?) { self.seat.withLock { $0 = seat } }

    /// Whether this process should hand connections to a sibling (``AcceptBalance/Seat/isCrowded``).
    package var isCrowded: Bool { seat.withLock { $0 }?.isCrowded ?? false }

    /// Whether this answer should close its connection: crowded, and no answer did so within the
    /// last ``handBackInterval``. `now` (`DispatchTime` nanoseconds) is read only when crowded.
    package func shouldHandBack(now: @autoclosure () -> UInt64 = DispatchTime.now().uptimeNanoseconds) -> Bool {
        guard isCrowded else { return false }
        let now = now()
        let last = lastHandBack.load(ordering: .relaxed)
        guard now >= last &+ Self.handBackInterval || last == 0 else { return false }
        return lastHandBack.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged
    }
}

/// A file the workers of one server share to take turns accepting — the accept lock
/// (``HTTPConfiguration/acceptLockPath``) or the accept-balance table
/// (``HTTPConfiguration/acceptBalancePath``) — could not be opened or mapped.
package struct AcceptFileError: Error, CustomStringConvertible {
    /// Which file: `accept lock` or `accept-balance table`.
    package let file: String
    /// The file's path.
    package let path: String
    /// Why: the system's error message.
    package let reason: String

    /// `cannot open the <file> <path>: <reason>`.
    package var description: String { "cannot open the \(file) \(path): \(reason)" }
}
