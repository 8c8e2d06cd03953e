/// A request the router decided to serve, with what the transport needs to know to carry its
/// answer: whether it may send notifications first, whether it only makes sense as a stream,
/// whether the client going away cancels it.
public struct Exchange: Sendable {
    /// A batch to serve: its messages and where they came from.
    final class Batch: Sendable {
        let elements: [JSONValue]
        let origin: MessageOrigin

        init(_ elements: [JSONValue], from origin: MessageOrigin) {
            self.elements = elements
            self.origin = origin
        }
    }

    /// Both cases hold one reference: the transports read the properties below several times a
    /// request, and while the batch case held a `MessageOrigin` inline, each read copied the
    /// whole exchange (≈ 190 instructions).
    enum Work: Sendable {
        case request(RoutedRequest)
        case batch(Batch)
    }

    private(set) var work: Work

    init(request: RoutedRequest) { work = .request(request) }

    init(batch elements: [JSONValue], from origin: MessageOrigin) { work = .batch(Batch(elements, from: origin)) }

    /// The request, or nil for a batch. A reference: reading it out of the enum is one retain.
    package var request: RoutedRequest? {
        if case .request(let request) = work { return request }
        return nil
    }

    /// The method, or `batch`; for logs and metrics.
    package var method: String { request?.message.method ?? "batch" }

    /// The era the request is served under; nil for a batch (always a 2025-03-26 session).
    package var era: Era? { request?.era }

    /// True when the request may send notifications before its answer: it carries a valid
    /// progress token or a log level (2026-07-28 `_meta`, or the session's `logging/setLevel`),
    /// or it is a `subscriptions/listen`. Batches answer in one piece.
    package var mayNotify: Bool { request?.mayNotify ?? false }

    /// True when the request may send requests to the client while it runs (handshake era, in a
    /// conversation the client's answers can come back to): such a request needs a stream too.
    package var mayAskClient: Bool { request?.mayAskClient ?? false }

    /// `subscriptions/listen`: answered only as a stream (HTTP-5), limited per client (SUB-8).
    package var isSubscription: Bool { request?.isSubscription ?? false }

    /// 2026-07-28: a client that goes away cancels its request (HTTP-M-13). In the handshake era
    /// a dropped stream is not a cancellation (HTTP-L-10).
    package var cancelsWhenClientLeaves: Bool { request?.era.isModern ?? false }

    /// True when serving may take long enough that the transport should watch for the client
    /// going away (calls of `async` tools, resource reads, prompt renders, listens); set for
    /// requests that ``cancelsWhenClientLeaves``.
    package var mayRunLong: Bool { request?.mayRunLong ?? false }

    /// Who asks, for per-client limits (open listens). Transports set it for subscriptions:
    /// the principal, else the client's address.
    package var clientKey: String {
        get { request?.clientKey ?? "" }
        set { if let request { work = .request(request.with(clientKey: newValue)) } }
    }
}

/// One request as the router routed it: the message, the era it is served under, and what
/// the router read from it once for everyone (progress token, conversation, caller).
///
/// A class, immutable: the request travels through half a dozen async layers (exchange,
/// server, handler, task), and as a struct of fifteen references each hand-over copied it
/// with a retain per field.
package final class RoutedRequest: Sendable {
    /// The request as it came.
    package let message: JSONRPCRequest
    /// The era the request is served under, with its session or envelope.
    package let era: Era
    /// The request's `progressToken` when it is a valid one (a string or a number), echoed
    /// exactly in progress notifications; nil otherwise, and then no progress is sent (PROG-1).
    package let progressToken: JSONValue?
    /// Where the request's id lives, for cancellation and server→client requests.
    package let conversation: Conversation?
    /// Who asks, as the transport authenticated them.
    package let caller: Principal
    /// Who asks, for per-client limits (open listens): the principal's id unless the transport sets another key.
    package let clientKey: String
    /// Serving may take long enough that the transport should watch for the client leaving.
    let mayRunLong: Bool
    /// What `caller` may see and use, resolved once when the request is routed: every handler
    /// of this request reads the same catalogue, and the scope look-up is not repeated.
    let view: CatalogueView
    /// ``Exchange/isSubscription``, ``Exchange/mayNotify`` and ``Exchange/mayAskClient``, decided
    /// once here: the transports ask several times a request, and each answer read the era
    /// and compared the method again.
    let isSubscription: Bool
    let mayNotify: Bool
    let mayAskClient: Bool

    init(
        message: JSONRPCRequest, era: Era, conversation: Conversation?, caller: Principal, view: CatalogueView,
        mayRunLong: Bool = false, clientKey: String? = nil
    ) {
        self.message = message
        self.era = era
        self.progressToken = Self.progressToken(message.params?["_meta"]?["progressToken"])
        self.conversation = conversation
        self.caller = caller
        self.clientKey = clientKey ?? caller.id
        self.mayRunLong = mayRunLong
        self.view = view
        isSubscription = era.isModern && message.method == "subscriptions/listen"
        mayNotify = progressToken != nil || era.logLevel != nil || isSubscription
        mayAskClient = !era.isModern && conversation != nil
    }

    /// The same request, counted under another client key.
    func with(clientKey: String) -> RoutedRequest {
        RoutedRequest(
            message: message, era: era, conversation: conversation, caller: caller, view: view,
            mayRunLong: mayRunLong, clientKey: clientKey)
    }

    /// The name the caller's state is bound to (``Principal/id``).
    package var principal: String { caller.id }

    /// A legal progress token (string or number), or nil (PROG-1).
    static func progressToken(_ value: JSONValue?) -> JSONValue? {
        switch value {
        case .some(.string), .some(.int), .some(.double): return value
        default: return nil
        }
    }
}
