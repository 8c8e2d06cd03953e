import Foundation
import Logging
import MCPCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

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
    init?(folder: String, instance: String = String(getpid()), logger: Logger) {
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
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            logger.warning(
                "no relay between workers: the runtime folder's path is too long", metadata: ["path": "\(path)"])
            return nil
        }
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        unlink(path)
        guard descriptor >= 0, Self.withAddress(path, { bind(descriptor, $0, $1) }) == 0 else {
            logger.warning("no relay between workers", metadata: ["path": "\(path)", "errno": "\(errno)"])
            if descriptor >= 0 { closeSocket(descriptor) }
            return nil
        }
        // Room for one message of the largest size in the receive queue.
        var size = Int32(Self.maxMessageBytes * 4)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Receives what siblings send, on a thread of its own, until ``close()``.
    func start(delivering deliver: @escaping @Sendable (RelayedMessage) -> Void) {
        let descriptor = descriptor
        receiving.store(true, ordering: .relaxed)
        let thread = Thread {
            defer { closeSocket(descriptor) }
            var buffer = [UInt8](repeating: 0, count: Self.maxMessageBytes + 1)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return }  // closed
                if let message = RelayedMessage(bytes: Array(buffer[0..<count])) { deliver(message) }
            }
        }
        thread.name = "mcp-worker-relay"
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
        let sent = Self.withAddress(target) { address, length in
            bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, address, length) }
        }
        guard sent < 0 else { return }
        switch errno {
        case ECONNREFUSED:
            unlink(target)  // its process is gone
        case ENOENT:
            return
        default:
            logger.warning("message not relayed to a sibling worker", metadata: ["errno": "\(errno)"])
        }
    }

    /// Stops receiving and removes this process's socket.
    func close() {
        unlink(path)
        // Ends the receiving thread's recv (which then closes the socket).
        shutdown(descriptor, Int32(SHUT_RDWR))
        if !receiving.load(ordering: .relaxed) { closeSocket(descriptor) }
    }

    private static func withAddress<Result>(
        _ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result
    ) -> Result {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let utf8 = Array(path.utf8.prefix(capacity - 1))
            raw.copyBytes(from: utf8)
            raw[utf8.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}

/// The C function, which the relay's own `close()` hides inside the class.
private func closeSocket(_ descriptor: Int32) {
    _ = close(descriptor)
}
