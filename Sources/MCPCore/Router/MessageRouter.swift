public import Logging

/// The one owner of the per-message protocol rules of both eras (MCP-REQUIREMENTS §1): which
/// era a message belongs to, the handshake and its session, version checks, batches,
/// notifications, the client's responses, cancellation by id and server→client requests.
///
/// Transports only frame bytes: they parse a message (``route(parsing:from:logger:)``), tell
/// the router what they know about it (``MessageOrigin``), carry the ``Answer`` back, or serve
/// the ``Exchange`` with ``serve(_:sink:logger:)`` and carry its reply. The in-process test
/// client goes through the same calls.
///
/// ```swift
/// let router = MessageRouter(server: server)
/// let origin = MessageOrigin(conversation: conversation)
/// let routed = bytes.withUnsafeBytes { router.route(parsing: $0, from: origin, logger: logger) }
/// switch routed.decision {
/// case .answer(.reply(let reply)): send(reply.bytes)
/// case .answer: break  // a new session, accepted, rejected…: see ``Answer``
/// case .serve(let exchange):
///     let served = await router.serve(exchange, sink: sink, logger: logger)
///     if let reply = served.reply { send(reply.bytes) }
/// }
/// ```
public final class MessageRouter: Sendable {
    /// The server whose declarations and rules the router applies.
    public let server: MCPServer
    /// Requests the server sends to clients, and the matching of their answers.
    package let clientRequests: ClientRequests
    let inFlight = InFlightRequests()
    /// Sibling workers, for a client's answer or cancellation that belongs to work running there.
    let relay: (any SiblingRelay)?

    /// A router for `server` serving alone (no sibling workers).
    public convenience init(server: MCPServer) {
        self.init(server: server, relay: nil)
    }

    /// - Parameter relay: the way to this process's sibling workers when several serve one
    ///   port (handshake-era sessions land on any of them); nil when it serves alone.
    package init(server: MCPServer, relay: (any SiblingRelay)?) {
        self.server = server
        self.relay = relay
        clientRequests = ClientRequests(instance: relay?.instance)
    }

    /// A message a sibling worker relayed (``SiblingRelay``): a client's answer is delivered to
    /// the call waiting here (or dropped and counted), a cancellation stops the call running
    /// here (or is ignored). Never relayed again.
    package func receive(relayed: RelayedMessage) {
        guard
            case .success(let message)? = relayed.message.withUnsafeBytes({ bytes in
                (try? JSONParser.parse(bytes, maxDepth: server.configuration.maxJSONDepth)).map(JSONRPCMessage.decode)
            })
        else { return }
        switch message {
        case .response(let response):
            clientRequests.deliver(response, conversation: relayed.conversation, principal: relayed.principal)
        case .notification(let notification):
            if let id = Self.cancelledID(notification) {
                inFlight.cancel(InFlightRequests.Key(conversation: relayed.conversation, id: id))
            }
        case .request:
            return
        }
    }

    /// Parses one message (`-32700` with `id: null` when it is not JSON) and routes it.
    public func route(parsing bytes: UnsafeRawBufferPointer, from origin: MessageOrigin, logger: Logger) -> Routed {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, maxDepth: server.configuration.maxJSONDepth)
        } catch {
            logger.info("unparseable message", metadata: ["error": "\(error)"])
            return .answer(.reply(.error(.parseError(error.description), id: nil)))
        }
        return route(value, from: origin, logger: logger)
    }

    /// Routes one parsed message: a JSON-RPC object, or an array (a batch).
    public func route(_ message: JSONValue, from origin: MessageOrigin, logger: Logger) -> Routed {
        if case .array(let elements) = message { return routeBatch(elements, from: origin) }
        switch JSONRPCMessage.decode(message) {
        case .failure(let invalid):
            logger.info("invalid JSON-RPC message", metadata: ["error": "\(invalid.error.message)"])
            // A malformed response is never answered: JSON-RPC does not answer responses.
            return .answer(invalid.isResponse ? .rejected : .reply(.error(invalid.error, id: invalid.id)))
        case .success(.request(let request)):
            return route(request, from: origin)
        case .success(.notification(let notification)):
            return route(notification, from: origin)
        case .success(.response(let response)):
            return .answer(route(response, from: origin), era: .handshake)
        }
    }

    /// Requests running in conversations right now (cancellable by id).
    package var requestsInFlight: Int { inFlight.count }

    /// Cancels the requests running in `conversation` (its stream or process ended), or in
    /// every conversation.
    /// - Parameter answering: true lets them still send what they answer once cancelled (the
    ///   server stopped them: end of input, shutdown); false sends nothing (the client is gone).
    public func cancelRequests(in conversation: Conversation? = nil, answering: Bool) {
        inFlight.cancelAll(in: conversation, answering: answering)
    }

    // MARK: Requests (§1 steps 3–6)

    func route(_ request: JSONRPCRequest, from origin: MessageOrigin) -> Routed {
        let id = request.id
        let method = request.method
        if method == "initialize" {
            // §1 step 3, INIT-4: a handshake starts where no session is; an envelope is ignored.
            let answer: Answer
            switch origin.session {
            case .none:
                let (reply, session) = server.initialize(request)
                answer = session.map { .established(reply, $0) } ?? .reply(reply)
            case .unknown: answer = .unknownSession
            case .open: answer = .reply(.error(.invalidRequest("already initialized"), id: id))
            }
            return .answer(answer, method: method, era: .handshake)
        }
        // §1 step 4: a named session serves the request; an implicit one only without an envelope.
        switch origin.session {
        case .unknown:
            return .answer(.unknownSession, method: method, era: .handshake)
        case .open(let session) where origin.sessionIsNamed || !Envelope.isPresent(in: request.params):
            if let version = origin.headers?.protocolVersion, let error = Self.versionProblem(version, in: session) {
                return .answer(.reply(.error(error, id: id)), method: method, era: .handshake)
            }
            return serve(request, .handshake(session), origin)
        default:
            break
        }
        // §1 step 5: the modern path and its validation ladder (ENV-2).
        if Envelope.isPresent(in: request.params) {
            do throws(JSONRPCError) {
                let envelope: Envelope
                if let headers = origin.headers {
                    envelope = try headers.validate(request)
                } else {
                    envelope = try Envelope.parse(params: request.params)
                }
                return serve(request, .modern(envelope), origin)
            } catch {
                return .answer(.reply(.error(error, id: id)), method: method, era: .modern)
            }
        }
        return routeWithoutSession(request, from: origin)
    }

    /// §1 step 6: no session and no envelope.
    private func routeWithoutSession(_ request: JSONRPCRequest, from origin: MessageOrigin) -> Routed {
        let id = request.id
        let method = request.method
        let missingEnvelope = JSONRPCError.invalidParams("missing _meta \(Envelope.protocolVersionKey)")
        func refuse(_ error: JSONRPCError, _ era: Era.Kind) -> Routed {
            .answer(.reply(.error(error, id: id)), method: method, era: era)
        }
        switch origin.sessionless {
        case .requiresInitialize:
            if method == "ping" {
                return .answer(
                    .reply(Reply(bytes: JSONRPCEncoding.emptyResult(id: id))), method: method, era: .handshake)
            }
            // An envelope without a version is the modern ladder's first step (ENV-1).
            if request.params?["_meta"] != nil { return refuse(missingEnvelope, .modern) }
            return refuse(.invalidRequest("Server not initialized"), .handshake)
        case .requiresSession:
            let error = JSONRPCError.invalidParams(
                "missing _meta \(Envelope.protocolVersionKey) (or an Mcp-Session-Id)")
            return refuse(error, origin.headers?.protocolVersion != nil ? .modern : .handshake)
        case .servedStatelessly:
            var version = ProtocolVersion.handshakeDefault
            if let header = origin.headers?.protocolVersion {
                guard let named = ProtocolVersion(rawValue: header) else {
                    return refuse(Self.unsupported(header), .handshake)
                }
                // A 2026-07-28 request without its envelope (ENV-1).
                if named.isModern { return refuse(missingEnvelope, .modern) }
                version = named
            }
            if method == "logging/setLevel" {
                // Nothing is remembered between stateless requests, so a level could never apply.
                let error = JSONRPCError.invalidRequest(
                    "logging/setLevel needs a session; this server runs stateless (STATELESS_HTTP=true): "
                        + "use a 2026-07-28 request with _meta \(Envelope.logLevelKey)")
                return refuse(error, .handshake)
            }
            // Nothing from initialize is remembered: empty client capabilities, the header's version.
            let session = SessionState(version: version, clientCapabilities: [:], clientInfo: [:])
            return serve(request, .handshake(session), origin)
        }
    }

    /// A request to serve, unless it names a declaration the caller's scopes hide and the server
    /// answers those with a scope challenge (``InsufficientScope/challenge``).
    private func serve(_ request: JSONRPCRequest, _ era: Era, _ origin: MessageOrigin) -> Routed {
        if let needed = server.scopeChallenge(request, caller: origin.caller) {
            let error = JSONRPCError.invalidRequest("insufficient scope: needs \(needed.joined(separator: " "))")
            return Routed(
                decision: .answer(.insufficientScope(needed, .error(error, id: request.id))), method: request.method,
                era: era.kind)
        }
        let view = server.view(for: origin.caller)
        let routed = RoutedRequest(
            message: request, era: era, conversation: origin.conversation, caller: origin.caller, view: view,
            // Only modern requests are cancelled by a disconnect, so only they need the look-up.
            mayRunLong: era.isModern && server.mayRunLong(request, in: view))
        return .serve(Exchange(request: routed))
    }

    /// Inside a session, a version header must name the negotiated version (HTTP-L-4, R-12);
    /// none means the negotiated one. 2025-03-26 sessions predate the header and are not checked
    /// against it beyond its being a handshake version. Nil when the header is fine.
    package static func versionProblem(_ header: String?, in session: SessionState) -> JSONRPCError? {
        guard let value = header else { return nil }
        guard let version = ProtocolVersion(rawValue: value), !version.isModern else {
            return .unsupportedProtocolVersion(requested: .string(value), supported: [session.version.rawValue])
        }
        guard version == session.version || session.version < .v2025_06_18 else {
            return .invalidRequest(
                "MCP-Protocol-Version \(value) differs from the negotiated \(session.version.rawValue)")
        }
        return nil
    }

    static func unsupported(_ version: String) -> JSONRPCError {
        .unsupportedProtocolVersion(requested: .string(version), supported: ProtocolVersion.supportedNewestFirst)
    }

    // MARK: Notifications and responses

    func route(_ notification: JSONRPCNotification, from origin: MessageOrigin) -> Routed {
        let method = notification.method
        switch origin.session {
        case .unknown:
            return .answer(.unknownSession, method: method, era: .handshake)
        case .none where origin.sessionless != .requiresInitialize:
            // Streamable HTTP without a session (§1 step 6, HTTP-M-15): the version header decides.
            guard let header = origin.headers?.protocolVersion else {
                let answer: Answer = origin.sessionless == .servedStatelessly ? .accepted : .rejected
                return .answer(answer, method: method, era: .handshake)
            }
            guard let version = ProtocolVersion(rawValue: header) else {
                return .answer(.errorWithoutID(Self.unsupported(header)), method: method)
            }
            return .answer(.accepted, method: method, era: version.isModern ? .modern : .handshake)
        default:
            if let conversation = origin.conversation, let id = Self.cancelledID(notification) {
                // `initialize` is answered before anything else runs, so it cannot be cancelled (CAN-2).
                if !inFlight.cancel(InFlightRequests.Key(conversation: conversation, id: id)) {
                    // Not running here: perhaps on a sibling worker serving the same session.
                    relay?.send(
                        RelayedMessage(cancelling: id, conversation: conversation, principal: origin.principal),
                        to: nil)
                }
            }
            // notifications/initialized, roots/list_changed, progress…: nothing to do.
            return .answer(.accepted, method: method, era: origin.sessionState == nil ? nil : .handshake)
        }
    }

    /// The request a `notifications/cancelled` names; nil for any other notification.
    static func cancelledID(_ notification: JSONRPCNotification) -> JSONRPCID? {
        guard notification.method == "notifications/cancelled", let raw = notification.params?["requestId"] else {
            return nil
        }
        return JSONRPCID(json: raw)
    }

    func route(_ response: JSONRPCResponse, from origin: MessageOrigin) -> Answer {
        switch origin.session {
        case .unknown:
            return .unknownSession
        case .none where origin.sessionless != .requiresInitialize:
            // No session, so no request of ours can be waiting for it (§1 step 6).
            return .rejected
        default:
            if let relay, let conversation = origin.conversation, let owner = ClientRequests.owner(of: response.id),
                owner != relay.instance
            {
                // An answer to a request a sibling worker sent: the call waits there.
                relay.send(RelayedMessage(response, conversation: conversation, principal: origin.principal), to: owner)
            } else {
                clientRequests.deliver(response, conversation: origin.conversation, principal: origin.principal)
            }
            return .accepted
        }
    }
}
