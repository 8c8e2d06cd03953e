/// What the router decided for one incoming message, and what it learnt about it on the way
/// (for logs and metrics).
public struct Routed: Sendable {
    /// Whether the message is answered at once or served.
    public enum Decision: Sendable {
        /// Nothing to run: send this answer now.
        case answer(Answer)
        /// A request (or a 2025-03-26 batch) to serve. The transport chooses how the answer
        /// travels (JSON or a stream, from ``Exchange``'s properties), then calls
        /// ``MessageRouter/serve(_:sink:logger:)``.
        case serve(Exchange)
    }

    /// What to do with the message.
    public var decision: Decision
    /// The message's JSON-RPC method (`batch` for a batch); nil for responses and for messages
    /// that could not be read.
    public var method: String?
    /// The era the message was judged under; nil when it did not get that far.
    package var era: Era.Kind?

    static func answer(_ answer: Answer, method: String? = nil, era: Era.Kind? = nil) -> Routed {
        Routed(decision: .answer(answer), method: method, era: era)
    }

    static func serve(_ exchange: Exchange) -> Routed {
        Routed(decision: .serve(exchange), method: exchange.method, era: exchange.era?.kind ?? .handshake)
    }
}

/// An answer the router gives without running anything.
public enum Answer: Sendable {
    /// A JSON-RPC response (a result or an error), ready to send.
    case reply(Reply)
    /// `initialize` succeeded: send the reply, and keep the new session (HTTP mints its id
    /// unless it runs stateless; stdio and SSE keep it for the process or stream).
    case established(Reply, SessionState)
    /// A JSON-RPC error that answers no request (HTTP 400 with this body).
    case errorWithoutID(JSONRPCError)
    /// A notification or a response was taken: HTTP 202, nothing on stdio.
    case accepted
    /// The message named a session that does not exist: HTTP 404, nothing on stdio.
    case unknownSession
    /// The request names a declaration the caller's scopes do not allow, and the server answers
    /// with a scope challenge: HTTP 403 with `WWW-Authenticate: Bearer error="insufficient_scope",
    /// scope="<these>"`; elsewhere the JSON-RPC error.
    case insufficientScope([String], Reply)
    /// A message nobody answers in JSON-RPC (a stray response, a session-less notification
    /// where sessions are required): HTTP 400 with no body, nothing on stdio.
    case rejected
}

/// The result of serving an ``Exchange``.
public struct Served: Sendable {
    /// The answer; nil when the client cancelled the request, so nothing may be sent (CAN-1).
    public var reply: Reply?
    /// The session's new state when the request changed it (`logging/setLevel`).
    public var session: SessionState?

    /// A result to send (`reply`), and the session's new state when the request changed it.
    public init(reply: Reply?, session: SessionState? = nil) {
        self.reply = reply
        self.session = session
    }
}
