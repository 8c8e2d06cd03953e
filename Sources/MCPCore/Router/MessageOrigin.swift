/// What a transport knows about one incoming message besides its bytes: the handshake-era
/// session it belongs to, the routing headers, who sent it, and where its ids live.
///
/// Transports only fill this in; every protocol rule that reads it is in ``MessageRouter``.
public struct MessageOrigin: Sendable {
    /// The handshake-era session a message belongs to.
    public enum Session: Sendable {
        /// No session: none was named (HTTP), or `initialize` has not happened yet (stdio, SSE).
        case none
        /// The client named a session that does not exist, expired or was ended (HTTP 404).
        case unknown
        /// An open session, with what its `initialize` negotiated.
        case open(SessionState)
    }

    /// How a message with no session and no 2026-07-28 envelope is treated (§1 step 6).
    public enum Sessionless: Sendable {
        /// The handshake comes first: "Server not initialized" (stdio, legacy HTTP+SSE, in-process).
        case requiresInitialize
        /// Served under the handshake era without a session (Streamable HTTP, `STATELESS_HTTP=true`).
        case servedStatelessly
        /// Refused: a request needs a session id or an envelope (Streamable HTTP with sessions on).
        case requiresSession
    }

    /// The handshake-era session the message belongs to.
    public var session: Session
    /// True when the message itself names its session (HTTP `Mcp-Session-Id`): the session serves
    /// it even when it carries a 2026-07-28 envelope (§22 item 8). False for the implicit session
    /// of a process or stream (stdio, legacy SSE), where an enveloped request is stateless (STDIO-6).
    public var sessionIsNamed: Bool
    /// How the message is treated when it has no session and no envelope.
    public var sessionless: Sessionless
    /// The routing headers (Streamable HTTP); nil where the transport has none (stdio, SSE).
    public var headers: RoutingHeaders?
    /// The scope request ids live in: `notifications/cancelled` and the client's responses are
    /// matched within it. Nil where nothing can be matched later (stateless HTTP).
    public var conversation: Conversation?
    /// Who sent the message, as the transport authenticated it (``Principal/anonymous`` when
    /// nobody was).
    public var caller: Principal

    /// A stable, non-secret name of the authenticated caller (``Principal/id``); empty for
    /// anonymous callers. Sessions, `requestState`, tasks and answers are bound to it.
    public var principal: String { caller.id }

    /// An origin whose caller is known only by `principal` (a ``Principal/id``; empty for anonymous).
    public init(
        session: Session = .none, sessionIsNamed: Bool = false, sessionless: Sessionless = .requiresInitialize,
        headers: RoutingHeaders? = nil, conversation: Conversation? = nil, principal: String = ""
    ) {
        self.init(
            session: session, sessionIsNamed: sessionIsNamed, sessionless: sessionless, headers: headers,
            conversation: conversation, caller: Principal(id: principal))
    }

    /// An origin whose caller the transport authenticated as `caller`.
    public init(
        session: Session = .none, sessionIsNamed: Bool = false, sessionless: Sessionless = .requiresInitialize,
        headers: RoutingHeaders? = nil, conversation: Conversation? = nil, caller: Principal
    ) {
        self.session = session
        self.sessionIsNamed = sessionIsNamed
        self.sessionless = sessionless
        self.headers = headers
        self.conversation = conversation
        self.caller = caller
    }

    /// The state of the session, when one is open.
    var sessionState: SessionState? {
        if case .open(let state) = session { return state }
        return nil
    }
}

/// The scope a client's request ids live in, and the server's ids of requests it sends back:
/// one stdio process, one legacy SSE stream, one Streamable HTTP session, one test client.
public struct Conversation: Sendable, Hashable, CustomStringConvertible {
    /// The conversation's identifier, unique among the server's conversations.
    public let id: String

    /// The conversation named `id`.
    public init(_ id: String) {
        self.id = id
    }

    /// The identifier.
    public var description: String { id }
}
