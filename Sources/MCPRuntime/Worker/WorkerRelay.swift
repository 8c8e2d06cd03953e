import Foundation
import Logging
import MCPCore
import MCPPlatform
import Synchronization

/// The ``SiblingRelay`` of a worker: one Unix datagram socket per process in the runtime
/// folder's `relay/` (mode 0700, named by the process id). A message for one sibling goes to its
/// socket, a message for all to every socket but this one. Sends run on one background queue so
/// a request never waits for a sibling; at most ``maxPending`` wait there, and a message over
/// ``maxMessageBytes`` is not relayed (both dropped and logged). A sibling that is gone (its
/// socket refuses) has its socket removed.
final class WorkerRelay: SiblingRelay, Sendable {
    static let maxMessageBytes = 192 * 1024
    static let maxPending = 1024

    let instance: String
    private let folder: String
    private let path: String
    private let descriptor: Int32
    private let logger: Logger
    private let pending = Atomic<Int>(0)
    private let receiving = Atomic<Bool>(false)
    private let sending = DispatchQueue(label: "mcp.worker-relay")

    /// Binds this process's socket in `folder`; nil (logged) when the folder is not private or
    /// the socket cannot be made, in which case the worker serves on without a relay.
    /// - Parameter instance: this process's name among its siblings (its process id).
    init?(folder: String, instance: String = String(Processes.currentID), logger: Logger) {
        do {
            try RuntimeDirectory.verifyPrivate(folder, name: "relay folder")
        } catch {
            logger.warning("no relay between workers", metadata: ["error": "\(error)"])
            return nil
        }
        self.instance = instance
        self.folder = folder
        path = folder + "/" + instance
        self.logger = logger
        guard path.utf8.count < UnixDatagramSocket.pathCapacity else {
            logger.warning(
                "no relay between workers: the runtime folder's path is too long", metadata: ["path": "\(path)"])
            return nil
        }
        descriptor = UnixDatagramSocket.make()
        FileSystem.remove(path)
        guard descriptor >= 0, UnixDatagramSocket.bindAddress(descriptor, path: path) else {
            logger.warning(
                "no relay between workers", metadata: ["path": "\(path)", "errno": "\(SystemErrno.current)"])
            if descriptor >= 0 { Descriptors.close(descriptor) }
            return nil
        }
        // Room for one message of the largest size in the receive queue.
        UnixDatagramSocket.setBufferSizes(descriptor, bytes: Self.maxMessageBytes * 4)
    }

    /// Receives what siblings send, on a thread of its own, until ``close()``.
    func start(delivering deliver: @escaping @Sendable (RelayedMessage) -> Void) {
        let descriptor = descriptor
        receiving.store(true, ordering: .relaxed)
        let thread = Thread {
            PlatformThread.nameCurrent("mcp-relay")
            defer { Descriptors.close(descriptor) }
            var buffer = [UInt8](repeating: 0, count: Self.maxMessageBytes + 1)
            while true {
                let count = buffer.withUnsafeMutableBytes { UnixDatagramSocket.receive(descriptor, into: $0) }
                if count < 0 && SystemErrno.current == SystemErrno.interrupted { continue }
                guard count > 0 else { return }  // closed
                if let message = RelayedMessage(bytes: Array(buffer[0..<count])) { deliver(message) }
            }
        }
        thread.start()
    }

    func send(_ message: RelayedMessage, to instance: String?) {
        let bytes = message.bytes
        guard bytes.count <= Self.maxMessageBytes else {
            logger.warning(
                "message too large to relay to the worker that waits for it",
                metadata: ["bytes": "\(bytes.count)", "limit": "\(Self.maxMessageBytes)"])
            return
        }
        guard pending.wrappingAdd(1, ordering: .relaxed).newValue <= Self.maxPending else {
            pending.wrappingSubtract(1, ordering: .relaxed)
            logger.warning("relay to sibling workers is full; message dropped")
            return
        }
        sending.async { [self] in
            defer { pending.wrappingSubtract(1, ordering: .relaxed) }
            for target in targets(instance) { deliver(bytes, to: target) }
        }
    }

    /// The sockets a message goes to: the named sibling's, or every sibling's.
    private func targets(_ instance: String?) -> [String] {
        if let instance { return instance == self.instance ? [] : [folder + "/" + instance] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0 != self.instance && Int32($0) != nil }.map { folder + "/" + $0 }
    }

    private func deliver(_ bytes: [UInt8], to target: String) {
        let sent = bytes.withUnsafeBytes { UnixDatagramSocket.sendMessage(descriptor, $0, toPath: target) }
        guard sent < 0 else { return }
        let failure = SystemErrno.current
        switch failure {
        case SystemErrno.connectionRefused:
            FileSystem.remove(target)  // its process is gone
        case SystemErrno.notFound:
            return
        default:
            logger.warning("message not relayed to a sibling worker", metadata: ["errno": "\(failure)"])
        }
    }

    /// Stops receiving and removes this process's socket.
    func close() {
        FileSystem.remove(path)
        // Ends the receiving thread's recv (which then closes the socket).
        UnixDatagramSocket.shutDown(descriptor)
        if !receiving.load(ordering: .relaxed) { Descriptors.close(descriptor) }
    }
}
