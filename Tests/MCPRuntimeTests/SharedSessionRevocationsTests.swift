import Foundation
import MCPCore
import MCPHTTP
import Testing

@testable import MCPRuntime

/// The revoked-session table every worker maps, which outlives a restart in RUNTIME_DIR.
@Suite("Shared session revocations")
struct SharedSessionRevocationsTests {
    func token(_ high: UInt64, _ low: UInt64) -> String {
        var bytes: [UInt8] = []
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: high >> UInt64(shift)))
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: low >> UInt64(shift)))
        }
        return Base64URL.encode(bytes)
    }

    @Test func sharedByEveryMappingAndKeptAcrossReopening() throws {
        let path = NSTemporaryDirectory() + "revoked-" + UUID().uuidString
        defer { unlink(path) }
        let first = try SharedSessionRevocations(path: path)
        let second = try SharedSessionRevocations(path: path)
        let id = token(7, 9)
        first.revoke(token: id, issuedAt: 1000, expiresAt: 5000, now: 1100)
        #expect(second.isRevoked(token: id, issuedAt: 1000, now: 1200))
        #expect(!second.isRevoked(token: token(7, 10), issuedAt: 1000, now: 1200))
        // "After a restart": a new mapping of the same file.
        let reopened = try SharedSessionRevocations(path: path)
        #expect(reopened.isRevoked(token: id, issuedAt: 1000, now: 4000))
        #expect(!reopened.isRevoked(token: id, issuedAt: 1000, now: 5001), "forgotten after its lifetime")
    }

    @Test func aFullNeighbourhoodRaisesTheFloor() throws {
        let path = NSTemporaryDirectory() + "revoked-" + UUID().uuidString
        defer { unlink(path) }
        let table = try SharedSessionRevocations(path: path)
        // Every token with the same high word has the same home slot.
        for low in 0..<UInt64(SharedSessionRevocations.probes) {
            table.revoke(token: token(42, low), issuedAt: 100, expiresAt: 10_000, now: 200)
        }
        let overflow = token(42, 999)
        table.revoke(token: overflow, issuedAt: 150, expiresAt: 10_000, now: 200)
        #expect(table.isRevoked(token: overflow, issuedAt: 150, now: 300))
        #expect(table.isRevoked(token: token(1, 1), issuedAt: 149, now: 300), "foreign, issued before the floor")
        #expect(!table.isRevoked(token: token(1, 1), issuedAt: 151, now: 300))
        #expect(table.isRevoked(token: token(42, 3), issuedAt: 100, now: 300))
    }

    @Test func aFileOfAnotherLayoutIsRefused() throws {
        let path = NSTemporaryDirectory() + "revoked-" + UUID().uuidString
        defer { unlink(path) }
        _ = FileManager.default.createFile(atPath: path, contents: Data(repeating: 1, count: 100))
        #expect(throws: (any Error).self) { try SharedSessionRevocations(path: path) }
    }
}
