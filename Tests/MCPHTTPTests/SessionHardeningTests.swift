import Foundation
import MCPCore
import MCPHTTP
import MCPTesting
import Testing

@Suite("Session ids: bounded, aged, revoked")
struct SessionHardeningTests {
    static let key = SessionSealer.key(fromSecret: "shared")
    let state = SessionState(version: .v2025_11_25, clientCapabilities: [:], clientInfo: ["name": "c"])

    func manager(
        maxAge: Double = 86_400, revocations: (any SessionRevocations)? = nil, registry: LocalSessionRegistry? = nil
    ) -> SessionManager {
        SessionManager(
            sealer: SessionSealer(key: Self.key),
            registry: registry ?? LocalSessionRegistry(capacity: 10, idleTTL: 600),
            replayBufferSize: 4, revocations: revocations, maxAge: maxAge)
    }

    @Test func idsStaySmallWhateverTheClientSends() throws {
        let huge = SessionState(
            version: .v2025_11_25,
            clientCapabilities: [
                "experimental": ["blob": .string(String(repeating: "x", count: 3_000_000))],
                "roots": ["listChanged": true], "sampling": [:],
            ],
            clientInfo: [
                "name": .string(String(repeating: "n", count: 3000)), "version": "1",
                "title": .string(String(repeating: "\u{1}", count: 3000)),
                "icons": .array(Array(repeating: "i", count: 9999)),
            ])
        let sessions = manager()
        let id = try #require(sessions.create(huge, principal: ""))
        #expect(id.utf8.count <= 1700)
        let opened = try #require(sessions.open(id, principal: ""))
        #expect(opened.state.clientCapabilities["roots"] == ["listChanged": true])
        #expect(opened.state.clientCapabilities["experimental"] == .object([:]), "declared, details dropped")
        #expect(opened.state.clientInfo["name"]?.stringValue?.utf8.count == SessionSealer.maxInfoFieldBytes)
        #expect(opened.state.clientInfo["icons"] == nil)
    }

    @Test func anIDEndsAtItsMaximumAgeHoweverActive() throws {
        let sealer = SessionSealer(key: Self.key)
        let now = Date().timeIntervalSince1970
        let old = sealer.seal(state, principal: "", origin: "elsewhere", issuedAt: now - 100)
        #expect(manager(maxAge: 50).open(old, principal: "") == nil)
        #expect(manager(maxAge: 200).open(old, principal: "") != nil)
        let future = sealer.seal(state, principal: "", origin: "elsewhere", issuedAt: now + 3600)
        #expect(manager().open(future, principal: "") == nil)
    }

    @Test func aDeletedSessionStaysDeletedAfterARestart() throws {
        let revocations = LocalSessionRevocations()
        let before = manager(revocations: revocations)
        let deleted = try #require(before.create(state, principal: ""))
        let kept = try #require(before.create(state, principal: ""))
        #expect(before.end(try #require(before.open(deleted, principal: ""))))
        // A restart: a new instance (new origin, empty table) with the same key and revocations.
        let after = manager(revocations: revocations)
        #expect(after.open(deleted, principal: "") == nil)
        #expect(after.open(kept, principal: "") != nil, "sessions nobody ended survive the restart")
        // A session adopted and ended here is not adopted again once the table forgot it (its
        // memory of ended sessions holds one here; ending another pushes the first out).
        let adoptedHere = try #require(before.create(state, principal: ""))
        let replica = manager(revocations: revocations, registry: LocalSessionRegistry(capacity: 1, idleTTL: 600))
        #expect(replica.end(try #require(replica.open(adoptedHere, principal: ""))))
        let other = try #require(before.create(state, principal: ""))
        #expect(replica.end(try #require(replica.open(other, principal: ""))))
        #expect(replica.open(adoptedHere, principal: "") == nil)
    }

    @Test func aFullRevocationStoreRaisesItsFloorInsteadOfForgetting() {
        let revocations = LocalSessionRevocations(capacity: 2)
        revocations.revoke(token: "a", issuedAt: 10, expiresAt: 1000, now: 20)
        revocations.revoke(token: "b", issuedAt: 11, expiresAt: 1000, now: 20)
        revocations.revoke(token: "c", issuedAt: 15, expiresAt: 1000, now: 20)
        #expect(revocations.isRevoked(token: "a", issuedAt: 10, now: 30))
        #expect(revocations.isRevoked(token: "c", issuedAt: 15, now: 30))
        #expect(revocations.isRevoked(token: "other", issuedAt: 14, now: 30), "issued before the floor: refused")
        #expect(!revocations.isRevoked(token: "other", issuedAt: 16, now: 30))
    }

    @Test func aRevocationEndsWithTheSessionsLifetime() {
        let revocations = LocalSessionRevocations()
        revocations.revoke(token: "x", issuedAt: 10, expiresAt: 100, now: 20)
        #expect(revocations.isRevoked(token: "x", issuedAt: 10, now: 99))
        #expect(!revocations.isRevoked(token: "x", issuedAt: 10, now: 101))
    }

    @Test func oversizedInitializeDataStillGivesAWorkingSessionOverHTTP() async throws {
        try await withServer({ $0.statelessHTTP = false }) { server in
            let name = String(repeating: "n", count: 3000)
            let blob = String(repeating: "x", count: 3_000_000)
            let body =
                #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"experimental":{"blob":"\#(blob)"}},"clientInfo":{"name":"\#(name)","version":"1"}}}"#
            let initialized = try await server.client.send(headers: [accept], json: body)
            #expect(initialized.status == 200)
            let id = try #require(initialized.header("mcp-session-id"))
            #expect(id.utf8.count <= 1700)
            let list = try await server.client.send(
                headers: [accept, ("Mcp-Session-Id", id), ("MCP-Protocol-Version", "2025-11-25")],
                json: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            #expect(list.status == 200)
        }
    }
}
