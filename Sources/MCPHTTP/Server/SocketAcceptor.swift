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
final class SocketAcceptor: Sendable {
    /// How often, in microseconds, a worker without the turn lock tries to take it.
    static let turnPoll: UInt32 = 5_000
    private let listening: Int32
    private let turn: ExclusiveFileLock?
    private let wakeUp: (read: Int32, write: Int32)
    private let stopped = Atomic<Bool>(false)
    /// Whether the accept thread has ended, and who waits for it to.
    private let exit = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// - Parameter turn: the lock a worker must hold to accept; nil lets every worker accept.
    init(listening: Int32, turn: ExclusiveFileLock? = nil) throws {
        self.listening = listening
        self.turn = turn
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
            while !stopped.load(ordering: .relaxed) {
                guard canAccept() else {
                    letTurnGo()  // a sibling takes the connections this worker has no room for
                    PlatformThread.sleep(microseconds: 5_000)
                    continue
                }
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
                while !stopped.load(ordering: .relaxed) && canAccept() {
                    let connection = ListeningSocket.acceptConnection(listening)
                    if connection >= 0 {
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
