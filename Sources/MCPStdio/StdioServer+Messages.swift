import Logging
import MCPCore
import Synchronization

extension StdioServer {
    /// Routes one input line (MCP-REQUIREMENTS §1, stdio column).
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
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, maxDepth: server.configuration.maxJSONDepth)
        } catch {
            logger.info("unparseable message", metadata: ["error": "\(error)"])
            send(JSONRPCEncoding.error(id: nil, error: .parseError(error.description)))
            return
        }
        if case .array(let elements) = value {
            acceptBatch(elements)
            return
        }
        switch JSONRPCMessage.decode(value) {
        case .failure(let invalid):
            logger.info("invalid JSON-RPC message", metadata: ["error": "\(invalid.error.message)"])
            send(JSONRPCEncoding.error(id: invalid.id, error: invalid.error))
        case .success(.notification(let notification)):
            handle(notification)
        case .success(.response):
            // This server sends no requests to the client, so no response is awaited.
            logger.debug("ignored a response from the client")
        case .success(.request(let request)):
            start(request)
        }
    }

    /// JSON-RPC batches: only sessions that negotiated 2025-03-26 may send them (§1 step 2).
    private func acceptBatch(_ elements: [JSONValue]) {
        let session = state.withLock { $0.session }
        guard session?.version == .v2025_03_26, !elements.isEmpty, elements.count <= 100 else {
            send(JSONRPCEncoding.error(id: nil, error: .invalidRequest("batches are not accepted here")))
            return
        }
        state.withLock { state in
            let number = state.nextBatch
            state.nextBatch += 1
            state.batches[number] = Task {
                await self.answer(batch: elements)
                _ = self.state.withLock { $0.batches.removeValue(forKey: number) }
            }
        }
    }

    private func answer(batch elements: [JSONValue]) async {
        do {
            var answers = BatchAnswers(limit: server.configuration.maxResultBytes)
            for element in elements {
                switch JSONRPCMessage.decode(element) {
                case .failure(let invalid): answers.append(JSONRPCEncoding.error(id: invalid.id, error: invalid.error))
                case .success(.notification(let notification)): handle(notification)
                case .success(.response): break
                case .success(.request(let request)):
                    if answers.isFull { answers.refuse(request.id); continue }
                    if let reply = await reply(to: request) { answers.append(reply.bytes, id: request.id) }
                }
            }
            guard !answers.isEmpty else { return }
            send(answers.bytes)
        }
    }

    private func handle(_ notification: JSONRPCNotification) {
        switch notification.method {
        case "notifications/cancelled":
            guard let raw = notification.params?["requestId"], let id = RequestID(json: raw) else { return }
            let task = state.withLock { state -> Task<Void, Never>? in
                guard let task = state.inFlight[id] else { return nil }
                state.cancelled.insert(id)
                return task
            }
            task?.cancel()
        default:
            // notifications/initialized, roots/list_changed, progress…: nothing to do here.
            break
        }
    }

    /// Answers a request in a task of its own, so slow requests never hold up others (STDIO-9).
    private func start(_ request: JSONRPCRequest) {
        if request.method == "initialize" && !Envelope.isPresent(in: request.params) {
            // Answered in line order, so requests pipelined behind it see the session.
            send(initialize(request).bytes)
            return
        }
        state.withLock { state in
            let task = Task {
                let reply = await self.reply(to: request)
                let wasCancelled = self.state.withLock { state in
                    state.inFlight[request.id] = nil
                    return state.cancelled.remove(request.id) != nil
                }
                if let reply, !wasCancelled { self.send(reply.bytes) }
            }
            state.inFlight[request.id] = task
        }
    }

    /// The handshake (§1 step 3); a second `initialize` on the same process is -32600 (INIT-4).
    private func initialize(_ request: JSONRPCRequest) -> Reply {
        state.withLock { state -> Reply in
            guard state.session == nil else { return .error(.invalidRequest("already initialized"), id: request.id) }
            let (reply, session) = server.initialize(request)
            state.session = session
            return reply
        }
    }

    /// The answer to one request under the era §1 picks for it; nil when nothing is to be sent.
    func reply(to request: JSONRPCRequest) async -> Reply? {
        let requestLogger = logger.with(request)
        if request.method == "initialize" && !Envelope.isPresent(in: request.params) {
            return initialize(request)
        }
        if Envelope.isPresent(in: request.params) {
            do throws(JSONRPCError) {
                let envelope = try Envelope.parse(params: request.params)
                let sink = StdioNotificationSink(server: self)
                return await server.serve(
                    request, era: .modern(envelope), sink: sink, client: "stdio", logger: requestLogger
                ).0
            } catch {
                return .error(error, id: request.id)
            }
        }
        guard let session = state.withLock({ $0.session }) else {
            if request.method == "ping" { return Reply(bytes: JSONRPCEncoding.result(id: request.id, result: [:])) }
            if request.params?["_meta"] != nil {
                // An envelope without a version: the modern ladder's first step (ENV-1).
                return .error(.invalidParams("missing _meta \(Envelope.protocolVersionKey)"), id: request.id)
            }
            return .error(.invalidRequest("Server not initialized"), id: request.id)
        }
        let sink = StdioNotificationSink(server: self)
        let (reply, updated) = await server.serve(request, era: .handshake(session), sink: sink, logger: requestLogger)
        if let updated { state.withLock { $0.session = updated } }
        return reply
    }
}

/// Notifications of a request go straight to stdout, interleaved with other answers.
struct StdioNotificationSink: NotificationSink {
    let server: StdioServer

    func send(_ message: [UInt8]) async {
        guard !Task.isCancelled else { return }
        server.send(message)
    }
}

extension Logger {
    /// A copy carrying the request's method and id.
    func with(_ request: JSONRPCRequest) -> Logger {
        var copy = self
        copy[metadataKey: "mcp.method.name"] = "\(LogSafe.escape(LogSafe.clip(request.method, to: 64)))"
        copy[metadataKey: "jsonrpc.request.id"] = "\(request.id)"
        return copy
    }
}
