import MCPCore
import MCPHTTP
import Testing

/// Replicas behind a load balancer share SECRET_KEY but not memory: a session minted by one is
/// adopted by another on first use, and one that ended where it is used is never revived.
@Suite("Sessions across server instances")
struct SessionAdoptionTests {
    static let key = SessionSealer.key(fromSecret: "shared by every replica")

    func replica(key: [UInt8] = Self.key) -> SessionManager {
        SessionManager(
            sealer: SessionSealer(key: key), registry: LocalSessionRegistry(capacity: 10, idleTTL: 60),
            replayBufferSize: 8)
    }

    let state = SessionState(
        version: .v2025_11_25, clientCapabilities: [:], clientInfo: ["name": .string("client")])

    @Test func anotherReplicaAdoptsTheSession() throws {
        let first = replica()
        let second = replica()
        let id = try #require(first.create(state, principal: ""))
        let opened = try #require(second.open(id, principal: ""), "adopted by the replica that did not mint it")
        #expect(opened.state.clientInfo["name"] == .string("client"))
        #expect(second.liveSessions == 1)
        #expect(first.open(id, principal: "") != nil, "still live where it was minted")
    }

    @Test func anEndedSessionIsNotRevived() throws {
        let first = replica()
        let second = replica()
        let id = try #require(first.create(state, principal: ""))
        let adopted = try #require(second.open(id, principal: ""))
        #expect(second.end(adopted))
        #expect(second.open(id, principal: "") == nil, "ended on this replica: 404")
        let minted = try #require(first.open(id, principal: ""))
        #expect(first.end(minted))
        #expect(first.open(id, principal: "") == nil, "minted and ended here: never adopted")
    }

    @Test func adoptionNeedsTheSameKeyAndTheSameCredential() throws {
        let first = replica()
        let id = try #require(first.create(state, principal: "alice"))
        #expect(replica().open(id, principal: "bob") == nil, "another credential: 404")
        #expect(replica(key: SessionSealer.key(fromSecret: "another key")).open(id, principal: "alice") == nil)
        let tampered = String(id.dropLast(2)) + (id.hasSuffix("AA") ? "BB" : "AA")
        #expect(replica().open(tampered, principal: "alice") == nil)
        #expect(replica().open(id, principal: "alice") != nil)
    }
}
