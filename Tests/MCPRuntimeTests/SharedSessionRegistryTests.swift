import Foundation
import InteropSupport
import MCPCore
import MCPHTTP
import Testing

@testable import MCPRuntime

/// The session table every worker maps: what one process does, another sees.
@Suite("Shared session registry")
struct SharedSessionRegistryTests {
    let scratch: ScratchFolder

    init() throws { scratch = try ScratchFolder("sessions") }

    func token() -> String {
        var random = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    @Test func twoMappingsShareOneTable() throws {
        let path = scratch.file("table")
        let first = try SharedSessionRegistry(path: path, capacity: 10, idleTTL: 60)
        let second = try SharedSessionRegistry(path: path, capacity: 10, idleTTL: 60)
        let id = token()
        #expect(first.insert(token: id, now: 1000))
        #expect(second.touch(token: id, now: 1001) != nil)
        second.setLogLevel(token: id, level: .warning)
        #expect(first.touch(token: id, now: 1002)?.logLevel == .warning)
        #expect(second.count == 1)
        #expect(second.remove(token: id))
        #expect(first.touch(token: id, now: 1003) == nil)
        #expect(!first.remove(token: id))
        #expect(first.count == 0)
    }

    @Test func everyMappingReportsTheSameOriginAndEndedSessionsAreNotAdopted() throws {
        let path = scratch.file("table")
        let first = try SharedSessionRegistry(path: path, capacity: 10, idleTTL: 60)
        let second = try SharedSessionRegistry(path: path, capacity: 10, idleTTL: 60)
        let other = try SharedSessionRegistry(
            path: scratch.file("other"), capacity: 10, idleTTL: 60)
        #expect(first.origin == second.origin)
        #expect(first.origin != other.origin)
        let id = token()
        #expect(first.adopt(token: id, now: 1000), "a session minted elsewhere is adopted")
        #expect(!second.adopt(token: id, now: 1000), "already live")
        #expect(second.remove(token: id))
        #expect(!first.adopt(token: id, now: 1001), "ended here: not revived")
        #expect(first.touch(token: id, now: 1001) == nil)
    }

    @Test func idleSessionsExpireAndTheCapHolds() throws {
        let path = scratch.file("table")
        let table = try SharedSessionRegistry(path: path, capacity: 3, idleTTL: 10)
        let ids = (0..<3).map { _ in token() }
        for id in ids { #expect(table.insert(token: id, now: 100)) }
        #expect(!table.insert(token: token(), now: 105), "full")
        #expect(table.touch(token: ids[0], now: 111) == nil, "expired after 10 s idle")
        #expect(table.insert(token: token(), now: 112), "expired entries make room")
        #expect(!table.contains(token: ids[1], now: 120))
        #expect(table.touch(token: "not-a-token", now: 100) == nil)
    }

    @Test func manyInsertsAndRemovesKeepTheCountRight() throws {
        let path = scratch.file("table")
        let table = try SharedSessionRegistry(path: path, capacity: 100, idleTTL: 1000)
        for round in 0..<20 {
            let ids = (0..<50).map { _ in token() }
            for id in ids { #expect(table.insert(token: id, now: Double(round))) }
            for id in ids { #expect(table.remove(token: id)) }
        }
        #expect(table.count == 0)
    }

    /// The live count is sessions in their TTL once swept (the supervisor sweeps before it
    /// reports mcp_sessions_active), not every session never ended.
    @Test func sweepingEndsIdleSessionsSoTheCountFalls() throws {
        let path = scratch.file("table")
        let table = try SharedSessionRegistry(path: path, capacity: 100, idleTTL: 60)
        for _ in 0..<10 { #expect(table.insert(token: token(), now: 1000)) }
        let kept = token()
        #expect(table.insert(token: kept, now: 1050))
        #expect(table.count == 11)
        table.sweep(now: 1070)
        #expect(table.count == 1)
        #expect(table.touch(token: kept, now: 1071) != nil)
    }
}
