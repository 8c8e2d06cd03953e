import Foundation
import MCPPlatform
import Synchronization

/// Accepts connections on a listening socket shared by several worker processes.
/// The listening socket itself must be non-blocking (the acceptor sets that).
///
/// Each worker waits on the socket with `poll` on a thread of its own and accepts without
/// blocking; a worker that loses the race for a connection (another one accepted it) simply
/// waits again. NIO's own accept path cannot be used on a shared socket: it treats a wake-up
/// without a connection as impossible (a debug assertion). A worker at its connection limit
/// stops accepting, leaving new connections in the shared queue for its siblings — back-pressure
/// instead of collapse.
///
/// With a `turn` lock only its holder accepts: the other workers poll for it every few
/// milliseconds and take over when the holder stops accepting (drain, connection limit) or dies
/// (the kernel lets a dead process's lock go). Connections that arrive in between wait in the
/// shared queue.
///
/// With a `balance` seat every worker accepts, but one that holds more connections than its
/// least-loaded sibling (``AcceptBalance``) lets a waiting connection be for up to
/// ``deferrals`` × ``deferral`` microseconds, so that sibling takes it; after that it accepts
/// anyway, so a sibling that is alive but not accepting delays a connection by a millisecond
/// at most and loses none.
final class SocketAcceptor: Sendable {
    /// How often, in microseconds, a worker without the turn lock tries to take it.
    static let turnPoll: UInt32 = 5_000
    /// How long, in microseconds, a worker ahead of its siblings waits before it looks again.
    static let deferral: UInt32 = 200
    /// How many times a worker ahead of its siblings waits for one connection before it takes it.
    static let deferrals = 5
    private let listening: Int32
    private let turn: FileLock?
    private let balance: AcceptBalance.Seat?
    private let patience: Int
    private let wakeUp: (read: Int32, write: Int32)
    private let stopped = Atomic<Bool>(false)
    /// Whether the accept thread has ended, and who waits for it to.
    private let exit = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// - Parameters:
    ///   - turn: the lock a worker must hold to accept; nil lets every worker accept.
    ///   - balance: this worker's seat in the table of its siblings' connections; nil accepts
    ///     without looking at them.
    ///   - patience: how many times (of ``deferral``) a worker ahead waits for one connection.
    init(
        listening: Int32, turn: FileLock? = nil, balance: AcceptBalance.Seat? = nil,
        patience: Int = SocketAcceptor.deferrals
    ) throws {
        self.listening = listening
        self.turn = turn
        self.balance = balance
        self.patience = patience
        Descriptors.setNonBlocking(listening)
        guard let ends = Descriptors.makePipe() else { throw AcceptorError() }
        wakeUp = ends
    }

    /// Starts accepting; `accepted` gets each new connection's descriptor (non-blocking,
    /// close-on-exec). `canAccept` is asked before each accept; `turnTaken` is told each time
    /// this worker takes (true) or lets go of (false) the turn lock.
    func start(
        canAccept: @escaping @Sendable () -> Bool, turnTaken: @escaping @Sendable (Bool) -> Void = { _ in },
        accepted: @escaping @Sendable (Int32) -> Void
    ) {
        let thread = Thread { [self] in
            PlatformThread.nameCurrent("mcp-acceptor")
            var holdsTurn = false
            func letTurnGo() {
                guard holdsTurn, let turn else { return }
                turn.release()
                holdsTurn = false
                turnTaken(false)
            }
            var announced = true  // what the balance table says of this worker's accepting
            func announce(_ accepting: Bool) {
                guard let balance, announced != accepting else { return }
                balance.setAccepting(accepting)
                announced = accepting
            }
            while !stopped.load(ordering: .relaxed) {
                guard canAccept() else {
                    letTurnGo()  // a sibling takes the connections this worker has no room for
                    announce(false)
                    PlatformThread.sleep(microseconds: 5_000)
                    continue
                }
                announce(true)
                if let turn, !holdsTurn {
                    guard turn.tryAcquire() else {
                        PlatformThread.sleep(microseconds: Self.turnPoll)
                        continue
                    }
                    holdsTurn = true
                    turnTaken(true)
                }
                let ready = Descriptors.waitUntilReady([listening, wakeUp.read], for: .input, timeout: 1000)
                // Nothing to accept (a timeout), or woken by stop().
                guard ready[0], !ready[1] else { continue }
                var waited = 0
                while !stopped.load(ordering: .relaxed) && canAccept() {
                    if let balance, waited < patience, balance.isAhead {
                        waited += 1  // a sibling with fewer connections takes this one
                        PlatformThread.sleep(microseconds: Self.deferral)
                        continue
                    }
                    let connection = ListeningSocket.acceptConnection(listening)
                    if connection >= 0 {
                        waited = 0
                        accepted(connection)
                        continue
                    }
                    let failure = SystemErrno.current
                    if failure == SystemErrno.interrupted || failure == SystemErrno.connectionAborted { continue }
                    if failure == SystemErrno.processDescriptorsExhausted
                        || failure == SystemErrno.systemDescriptorsExhausted
                    {
                        PlatformThread.sleep(microseconds: 10_000)
                    }
                    break  // EAGAIN: a sibling took it, or the queue is empty.
                }
            }
            letTurnGo()
            announce(false)
            turn?.close()
            exited()
        }
        thread.start()
    }

    /// Marks the accept thread as ended and wakes whoever waits in ``stop()``.
    private func exited() {
        let waiters = exit.withLock { exit -> [CheckedContinuation<Void, Never>] in
            exit.done = true
            defer { exit.waiters = [] }
            return exit.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Stops accepting and returns once the accept thread has ended, so no connection is
    /// accepted after it returns; connections already accepted are not affected.
    func stop() async {
        stopped.store(true, ordering: .relaxed)
        var byte: UInt8 = 1
        _ = Descriptors.write(wakeUp.write, &byte, 1)
        await withCheckedContinuation { continuation in
            let done = exit.withLock { exit -> Bool in
                if !exit.done { exit.waiters.append(continuation) }
                return exit.done
            }
            if done { continuation.resume() }
        }
    }
}

struct AcceptorError: Error {}
