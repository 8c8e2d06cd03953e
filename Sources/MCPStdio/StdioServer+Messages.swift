import Logging
import MCPCore
import Synchronization

extension StdioServer {
    /// Frames one input line and hands it to the router.
    func accept(_ input: InputLine) {
        let bytes: [UInt8]
        switch input {
        case .oversized(let length):
            logger.warning("message over the size limit skipped", metadata: ["size": "\(length)"])
            send(JSONRPCEncoding.error(id: nil, error: .invalidRequest("message too large")))
            return
        case .line(let line):
            bytes = line
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        let origin = MessageOrigin(
            session: state.withLock { $0.session }.map { .open($0) } ?? .none, conversation: Self.conversation)
        let routed = bytes.withUnsafeBytes { router.route(parsing: $0, from: origin, logger: logger) }
        switch routed.decision {
        case .answer(.reply(let reply)):
            send(reply.bytes)
        case .answer(.established(let reply, let session)):
            // Kept before the next line is read, so requests pipelined behind it see the session.
            state.withLock { $0.session = session }
            send(reply.bytes)
            // The session hears about changes on stdout (list_changed, resources it subscribed to).
            router.server.changes.observe(Self.conversation) { [weak self] message in self?.send(message) }
        case .answer:
            break
        case .serve(let exchange):
            start(exchange)
        }
    }

    /// Serves a request in a task of its own, so slow requests never hold up others (STDIO-9).
    private func start(_ exchange: Exchange) {
        let sink = StdioNotificationSink(server: self)
        state.withLock { state in
            let number = state.nextTask
            state.nextTask += 1
            state.running[number] = Task {
                let served = await self.router.serve(exchange, sink: sink, logger: self.logger)
                if let session = served.session { self.state.withLock { $0.session = session } }
                if let reply = served.reply { self.send(reply.bytes) }
                _ = self.state.withLock { $0.running.removeValue(forKey: number) }
            }
        }
    }
}

/// Notifications and requests of a request go straight to stdout, interleaved with other answers.
struct StdioNotificationSink: NotificationSink {
    let server: StdioServer

    func send(_ message: [UInt8]) async {
        guard !Task.isCancelled else { return }
        server.send(message)
    }
}
