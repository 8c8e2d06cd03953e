/// The way from one worker process to its siblings, for messages that belong to work running
/// in another process of the same server: a client's answer to a request another worker sent
/// (its id names that worker), and `notifications/cancelled` for a call this process does not
/// run. Handshake-era sessions are served by every worker, so such messages land anywhere.
///
/// The router only hands messages over; the runtime carries them (``MessageRouter/receive(relayed:)``
/// on the other side). A relayed message is never relayed again.
package protocol SiblingRelay: Sendable {
    /// This process's name among its siblings; part of the ids of the requests it sends to clients.
    var instance: String { get }
    /// Sends `message` to the sibling named `instance`, or to every sibling when it is nil.
    func send(_ message: RelayedMessage, to instance: String?)
}

/// One JSON-RPC message a client sent in a conversation, with what the receiving worker knew of
/// it: the conversation (a session id) and the authenticated principal.
package struct RelayedMessage: Sendable, Equatable {
    /// The conversation (session) the client sent the message in.
    package var conversation: Conversation
    /// The authenticated principal's id (``Principal/id``) of the worker that received it; empty for anonymous.
    package var principal: String
    /// A client's response, or `notifications/cancelled`, as JSON.
    package var message: [UInt8]

    /// A message to relay, with what the receiving worker knew of it.
    package init(conversation: Conversation, principal: String, message: [UInt8]) {
        self.conversation = conversation
        self.principal = principal
        self.message = message
    }

    /// A client's response, re-encoded.
    init(_ response: JSONRPCResponse, conversation: Conversation, principal: String) {
        let message: [UInt8]
        switch response.outcome {
        case .success(let result):
            message = JSONRPCEncoding.result(id: response.id, resultBytes: JSONWriter.bytes(result))
        case .failure(let error): message = JSONRPCEncoding.error(id: response.id, error: error)
        }
        self.init(conversation: conversation, principal: principal, message: message)
    }

    /// `notifications/cancelled` for the client's request `id`.
    init(cancelling id: JSONRPCID, conversation: Conversation, principal: String) {
        let message = JSONRPCEncoding.notification(method: "notifications/cancelled", params: ["requestId": id.json])
        self.init(conversation: conversation, principal: principal, message: message)
    }

    /// The message as one JSON object (what travels between processes).
    package var bytes: [UInt8] {
        var bytes = Array(#"{"conversation":"#.utf8)
        bytes += JSONWriter.bytes(.string(conversation.id))
        bytes += Array(#","principal":"#.utf8)
        bytes += JSONWriter.bytes(.string(principal))
        bytes += Array(#","message":"#.utf8)
        bytes += message
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// Reads what ``bytes`` wrote; nil for anything else.
    package init?(bytes: [UInt8], maxDepth: Int = 64) {
        guard let value = try? bytes.withUnsafeBytes({ try JSONParser.parse($0, maxDepth: maxDepth) }),
            case .object(let object) = value, case .string(let conversation)? = object["conversation"],
            case .string(let principal)? = object["principal"], let message = object["message"]
        else { return nil }
        self.init(conversation: Conversation(conversation), principal: principal, message: JSONWriter.bytes(message))
    }
}
