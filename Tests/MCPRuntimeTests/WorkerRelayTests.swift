import Foundation
import Logging
import MCPCore
import Synchronization
import Testing

@testable import MCPRuntime

/// The workers' relay: Unix datagram sockets in a private folder, one per process.
@Suite("Relay between workers")
struct WorkerRelayTests {
    let folder: String
    let logger = Logger(label: "test.relay")

    init() throws {
        folder = NSTemporaryDirectory() + "relay-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    func message(_ text: String) -> RelayedMessage {
        RelayedMessage(
            conversation: Conversation("session-1"), principal: "alice",
            message: JSONWriter.bytes([
                "jsonrpc": "2.0", "method": "notifications/cancelled", "params": ["requestId": .string(text)],
            ]))
    }

    @Test func messagesReachTheNamedSiblingOrAll() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let one = try #require(WorkerRelay(folder: folder, instance: "1", logger: logger))
        let two = try #require(WorkerRelay(folder: folder, instance: "2", logger: logger))
        let three = try #require(WorkerRelay(folder: folder, instance: "3", logger: logger))
        let received = Mutex<[String: [RelayedMessage]]>([:])
        for relay in [two, three] {
            relay.start { message in received.withLock { $0[relay.instance, default: []].append(message) } }
        }
        one.send(message("to two"), to: "2")
        one.send(message("to all"), to: nil)
        for _ in 0..<500 where received.withLock({ $0.values.map(\.count).reduce(0, +) }) < 3 {
            try await Task.sleep(for: .milliseconds(5))
        }
        let seen = received.withLock { $0 }
        #expect(seen["2"] == [message("to two"), message("to all")])
        #expect(seen["3"] == [message("to all")])
        for relay in [one, two, three] { relay.close() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "each socket removed on close")
    }

    @Test func aSiblingThatIsGoneHasItsSocketRemoved() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let one = try #require(WorkerRelay(folder: folder, instance: "1", logger: logger))
        // What a killed worker leaves: a name nobody receives on (the kernel refuses a file that
        // is not a bound socket the same way as a socket whose process is gone).
        #expect(FileManager.default.createFile(atPath: folder + "/9", contents: nil))
        one.send(message("anyone?"), to: nil)
        for _ in 0..<500 where FileManager.default.fileExists(atPath: folder + "/9") {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/9"))
        one.close()
    }

    @Test func aFolderOthersCanReadGetsNoRelay() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
        #expect(WorkerRelay(folder: folder, instance: "1", logger: logger) == nil)
    }
}
