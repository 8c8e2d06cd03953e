import Foundation
import MCPPlatform
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import MCPHTTP

/// `ACCEPTING_WORKERS=all`: acceptors sharing one listening socket count their connections in
/// one table and spread a burst of new connections evenly. Each acceptor maps the table itself,
/// as each worker process does; the seats' pids are made up (no process is signalled).
@Suite("Connections spread evenly over acceptors")
struct AcceptBalanceTests {
    /// A table in a folder of its own.
    final class Table: Sendable {
        let folder: String
        let path: String

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("accept-balance-\(UUID())").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            path = folder + "/accept-balance.table"
        }

        /// A mapping of the table of its own, as a worker process has.
        func open() throws -> AcceptBalance { try AcceptBalance(path: path) }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// Acceptors on one listening socket, each with a seat, keeping what they accept open.
    final class Acceptors: Sendable {
        let listening: Int32
        let port: Int
        let seats: [AcceptBalance.Seat]
        let acceptors: [SocketAcceptor]
        let kept = Mutex<[[Int32]]>([])

        init(table: Table, count: Int, patience: Int) throws {
            listening = try ListeningSocket.open(host: "127.0.0.1", port: 0)
            port = ListeningSocket.port(of: listening)
            var seats: [AcceptBalance.Seat] = []
            var acceptors: [SocketAcceptor] = []
            for index in 0..<count {
                let seat = try #require(try table.open().takeSeat(pid: Int32(70_000 + index)))
                seats.append(seat)
                acceptors.append(try SocketAcceptor(listening: listening, balance: seat, patience: patience))
            }
            self.seats = seats
            self.acceptors = acceptors
            kept.withLock { $0 = Array(repeating: [], count: count) }
        }

        func start() {
            for index in acceptors.indices {
                // As HTTPServer does: counted in the acceptor's thread, before it looks again.
                let seat = seats[index]
                acceptors[index].start(canAccept: { true }) { [self] connection in
                    seat.opened()
                    kept.withLock { $0[index].append(connection) }
                }
            }
        }

        var accepted: [Int] { kept.withLock { $0.map(\.count) } }

        func stop() async {
            for acceptor in acceptors { await acceptor.stop() }
            for connection in kept.withLock({ $0.joined() }) { Descriptors.close(connection) }
            Descriptors.close(listening)
        }

        /// Opens `count` connections, one after the other, and keeps them open.
        func connect(_ count: Int) async throws -> [any Channel] {
            var channels: [any Channel] = []
            for _ in 0..<count {
                channels.append(
                    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                        .connect(host: "127.0.0.1", port: port).get())
            }
            return channels
        }
    }

    @Test func aBurstOfConnectionsIsSpreadEvenly() async throws {
        let table = try Table()
        defer { table.remove() }
        // A patient acceptor (up to 0.5 s a connection), so that a slow thread wake-up on a busy
        // machine cannot pass for an imbalance.
        let pair = try Acceptors(table: table, count: 2, patience: 2_500)
        // Queued before anyone accepts: a burst. The acceptor that wakes first would take all.
        let clients = try await pair.connect(40)
        pair.start()
        #expect(try await AcceptTurnTests.eventually { pair.accepted.reduce(0, +) == 40 })
        let accepted = pair.accepted
        #expect(abs(accepted[0] - accepted[1]) <= AcceptBalance.slack + 1, "accepted: \(accepted)")
        for client in clients { try? await client.close() }
        await pair.stop()
    }

    @Test func aSiblingThatDoesNotAcceptDelaysConnectionsButLosesNone() async throws {
        let table = try Table()
        defer { table.remove() }
        // A sibling with a seat, accepting and without connections, but no acceptor: a stopped
        // worker. The one acceptor waits for it each time (a millisecond), then takes the connection.
        let silent = try #require(try table.open().takeSeat(pid: 69_999))
        let single = try Acceptors(table: table, count: 1, patience: SocketAcceptor.deferrals)
        single.start()
        let clients = try await single.connect(12)
        #expect(try await AcceptTurnTests.eventually { single.accepted == [12] })
        #expect(single.seats[0].isAhead)  // 12 against the silent sibling's 0
        silent.setAccepting(false)  // the sibling drains: nobody waits for it any more
        #expect(!single.seats[0].isAhead)
        for client in clients { try? await client.close() }
        await single.stop()
    }

    @Test func seatsAreTakenCountedAndGivenBack() throws {
        let table = try Table()
        defer { table.remove() }
        let first = try table.open()
        let second = try table.open()
        let one = try #require(first.takeSeat(pid: 101))
        let two = try #require(second.takeSeat(pid: 102))
        #expect(one.index != two.index)
        #expect(!one.isAhead && !two.isAhead)

        one.opened()
        #expect(!one.isAhead)  // ahead by one: within AcceptBalance.slack
        one.opened()
        #expect(one.isAhead && !two.isAhead)
        one.closed()
        #expect(!one.isAhead)
        one.opened()

        // A worker at its connection limit (or draining) is not waited for.
        two.setAccepting(false)
        #expect(!one.isAhead)
        two.setAccepting(true)
        #expect(one.isAhead)

        // The supervisor gives back an exited worker's seat; its next taker starts from zero.
        first.vacate(pid: 102)
        #expect(!one.isAhead)
        let three = try #require(second.takeSeat(pid: 103))
        #expect(three.index == two.index)
        #expect(one.isAhead)  // 2 against the new seat's 0
        second.vacate(pid: 101)
        #expect(three.isAhead == false)
        #expect(throws: AcceptFileError.self) { try AcceptBalance(path: table.folder + "/missing/table") }
    }

    @Test func aWorkerFarAheadOfAFreshSiblingIsCrowded() throws {
        let table = try Table()
        defer { table.remove() }
        let first = try table.open()
        let holder = BalanceSeatHolder()
        #expect(!holder.isCrowded, "no seat: never crowded")
        let survivor = try #require(first.takeSeat(pid: 201))
        holder.hold(survivor)
        for _ in 0..<64 { survivor.opened() }
        #expect(!holder.isCrowded, "no sibling: nobody to hand connections to")

        // A replacement starts with none while the survivor holds every keep-alive connection.
        let replacement = try #require(try table.open().takeSeat(pid: 202))
        #expect(holder.isCrowded && !replacement.isCrowded)
        // Connections close and come back to the replacement until the two are near even.
        var moved = 0
        while holder.isCrowded {
            survivor.closed()
            replacement.opened()
            moved += 1
        }
        #expect(moved == 28, "stops short of even, within a quarter of its own: 36 against 28")
        // A small lead is not worth a reconnect.
        survivor.opened()
        #expect(!holder.isCrowded, "37 against 28")
        // A sibling that does not accept (draining, at its limit) is not handed anything.
        for _ in 0..<40 { survivor.opened() }
        #expect(holder.isCrowded)
        replacement.setAccepting(false)
        #expect(!holder.isCrowded)
        replacement.setAccepting(true)

        // One connection handed back per interval, however many answers ask.
        let start: UInt64 = 5_000_000_000
        #expect(holder.shouldHandBack(now: start))
        #expect(!holder.shouldHandBack(now: start + 1))
        #expect(!holder.shouldHandBack(now: start + BalanceSeatHolder.handBackInterval - 1))
        #expect(holder.shouldHandBack(now: start + BalanceSeatHolder.handBackInterval))
        replacement.setAccepting(false)
        #expect(!holder.shouldHandBack(now: start + 10 * BalanceSeatHolder.handBackInterval))
        holder.hold(nil)
        replacement.setAccepting(true)
        #expect(!holder.isCrowded, "a process that took no seat is never crowded")
    }
}
