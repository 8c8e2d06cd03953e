public import Logging

extension MessageRouter {
    /// Serves a routed request or batch. A request of a conversation runs registered under its
    /// id, so `notifications/cancelled` stops it and its answer is suppressed (``Served/reply``
    /// is nil); cancelling the calling task cancels the request too.
    ///
    /// - Parameter sink: where the request's notifications (and, in the handshake era, its
    ///   requests to the client) go; nil drops notifications and makes the client unreachable.
    public func serve(_ exchange: Exchange, sink: (any NotificationSink)?, logger: Logger) async -> Served {
        let request: RoutedRequest
        switch exchange.work {
        case .batch(let batch): return await serveBatch(batch.elements, from: batch.origin, logger: logger)
        case .request(let routed): request = routed
        }
        guard let conversation = request.conversation else {
            let (reply, session) = await server.serve(request, sink: sink, router: self, logger: logger)
            return Served(reply: reply, session: session)
        }
        let key = InFlightRequests.Key(conversation: conversation, id: request.message.id)
        let outcome = await inFlight.run(key) {
            await self.server.serve(request, sink: sink, router: self, logger: logger)
        }
        return Served(reply: outcome?.0, session: outcome?.1)
    }

    // MARK: Batches (§1 step 2, HTTP-L-12)

    /// Batches: legal only inside a session that negotiated 2025-03-26, 1 to 100 messages.
    func routeBatch(_ elements: [JSONValue], from origin: MessageOrigin) -> Routed {
        if case .unknown = origin.session { return .answer(.unknownSession, method: "batch", era: .handshake) }
        guard origin.sessionState?.version == .v2025_03_26 else {
            let error = JSONRPCError.invalidRequest("batches are only accepted in 2025-03-26 sessions")
            return .answer(.reply(.error(error, id: nil)), method: "batch")
        }
        guard !elements.isEmpty, elements.count <= Self.maxBatchMessages else {
            let error = JSONRPCError.invalidRequest("a batch holds 1 to \(Self.maxBatchMessages) messages")
            return .answer(.reply(.error(error, id: nil)), method: "batch", era: .handshake)
        }
        return .serve(Exchange(batch: elements, from: origin))
    }

    static let maxBatchMessages = 100

    /// Each message of a batch is routed like a single one, in order; the answers form one array.
    private func serveBatch(_ elements: [JSONValue], from origin: MessageOrigin, logger: Logger) async -> Served {
        var origin = origin
        var changed: SessionState?
        // At most the result limit in all: a hundred requests cannot build a hundred results.
        var answers = BatchAnswers(limit: server.configuration.maxResultBytes)
        for element in elements {
            guard case .object = element else {
                answers.append(JSONRPCEncoding.error(id: nil, error: .invalidRequest("expected a JSON-RPC object")))
                continue
            }
            switch route(element, from: origin, logger: logger).decision {
            case .answer(.reply(let reply)), .answer(.established(let reply, _)):
                // Past the limit this becomes a refusal, which must still name the request.
                answers.append(reply.bytes, id: element["id"].flatMap(JSONRPCID.init(json:)))
            case .answer:
                continue
            case .serve(let exchange):
                let id = exchange.request?.message.id
                if answers.isFull {
                    answers.refuse(id)
                    continue
                }
                // Batches answer in one piece: their requests send no notifications.
                let served = await serve(exchange, sink: nil, logger: logger)
                if let reply = served.reply { answers.append(reply.bytes, id: id) }
                if let session = served.session {
                    changed = session
                    origin.session = .open(session)
                }
            }
        }
        guard !answers.isEmpty else { return Served(reply: nil, session: changed) }
        return Served(reply: Reply(bytes: answers.bytes), session: changed)
    }
}
