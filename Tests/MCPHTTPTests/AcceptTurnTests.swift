import Foundation
import MCPPlatform
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import MCPHTTP

/// `ACCEPTING_WORKERS=one`: acceptors sharing one listening socket and one lock file take turns.
/// Each acceptor opens the lock file itself, as each worker process does; `flock` locks belong
/// to the opening, so two openings in one process exclude each other as two processes do.
@Suite("One acceptor at a time")
struct AcceptTurnTests {
    /// Two acceptors on one listening socket with one turn lock, and who accepted what.
    final class Pair: Sendable {
        let listening: Int32
        let port: Int
        let folder: String
        let acceptors: [SocketAcceptor]
        /// Per acceptor: connections accepted, and each take (true) or release (false) of the turn.
        let accepted = Mutex<[Int]>([0, 0])
        let turns = Mutex<[[Bool]]>([[], []])
        /// Per acceptor: whether it has room (its `canAccept`).
        let room = Mutex<[Bool]>([true, true])

        init() throws {
            listening = try ListeningSocket.open(host: "127.0.0.1", port: 0)
            port = ListeningSocket.port(of: listening)
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("accept-turn-\(UUID())").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var acceptors: [SocketAcceptor] = []
            for _ in 0..<2 {
                let turn: FileLock = try #require(FileLock(path: folder + "/accept.lock"))
                acceptors.append(try SocketAcceptor(listening: listening, turn: turn))
            }
            self.acceptors = acceptors
        }

        func start(_ index: Int) {
            acceptors[index].start(
                canAccept: { [self] in room.withLock { $0[index] } },
                turnTaken: { [self] taken in turns.withLock { $0[index].append(taken) } }
            ) { [self] connection in
                accepted.withLock { $0[index] += 1 }
                Descriptors.close(connection)
            }
        }

        func stop() async {
            for acceptor in acceptors { await acceptor.stop() }
            Descriptors.close(listening)
            try? FileManager.default.removeItem(atPath: folder)
        }

        /// Opens `count` connections and closes them once the kernel has queued them.
        func connect(_ count: Int) async throws {
            for _ in 0..<count {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: port).get()
                try? await channel.close()  // the acceptor may have closed it first
            }
        }
    }

    /// Waits up to five seconds for `condition`.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func onlyTheHolderAcceptsAndTheOtherTakesOverWhenItStops() async throws {
        let pair = try Pair()
        pair.start(0)
        #expect(try await Self.eventually { pair.turns.withLock { $0[0] == [true] } })
        pair.start(1)
        try await pair.connect(6)
        #expect(try await Self.eventually { pair.accepted.withLock { $0 == [6, 0] } })

        await pair.acceptors[0].stop()  // what a draining worker does; a dead one's lock goes too
        #expect(pair.turns.withLock { $0[0] } == [true, false])
        try await pair.connect(4)
        #expect(try await Self.eventually { pair.accepted.withLock { $0 == [6, 4] } })
        #expect(pair.turns.withLock { $0[1] } == [true])
        await pair.stop()
    }

    @Test func aHolderWithoutRoomLetsTheTurnGoAndTakesItBackLater() async throws {
        let pair = try Pair()
        pair.start(0)
        #expect(try await Self.eventually { pair.turns.withLock { $0[0] == [true] } })
        pair.start(1)

        pair.room.withLock { $0[0] = false }  // at its connection limit
        #expect(try await Self.eventually { pair.turns.withLock { $0 == [[true, false], [true]] } })
        try await pair.connect(3)
        #expect(try await Self.eventually { pair.accepted.withLock { $0 == [0, 3] } })

        // The second one now holds the turn: the first, with room again, stands by until it goes.
        pair.room.withLock { $0 = [true, false] }
        #expect(try await Self.eventually { pair.turns.withLock { $0 == [[true, false, true], [true, false]] } })
        try await pair.connect(2)
        #expect(try await Self.eventually { pair.accepted.withLock { $0 == [2, 3] } })
        await pair.stop()
    }

    @Test func theLockIsTheKernelsAndGoesWithItsOpening() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("file-lock-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try #require(FileLock(path: folder + "/turn.lock"))
        let second = try #require(FileLock(path: folder + "/turn.lock"))
        #expect(first.tryAcquire())
        #expect(first.tryAcquire())  // held already: still true
        #expect(!second.tryAcquire())
        first.release()
        #expect(second.tryAcquire())
        #expect(!first.tryAcquire())
        second.close()  // closing lets it go, as a process's exit does
        #expect(first.tryAcquire())
        first.close()
        #expect(FileLock(path: folder + "/missing/turn.lock") == nil)
    }
}
