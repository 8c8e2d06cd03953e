/// A JSON-RPC request: it has an id and expects exactly one answer.
package struct JSONRPCRequest: Sendable {
    /// The id the answer must carry.
    package var id: JSONRPCID
    /// The method name, such as `tools/call`.
    package var method: String
    /// `params` as sent; MCP methods take an object, absent means `{}`.
    package var params: JSONValue?

    /// A request; `params` defaults to none.
    package init(id: JSONRPCID, method: String, params: JSONValue? = nil) {
        self.id = id
        self.method = method
        self.params = params
    }
}

/// A JSON-RPC notification: no id, never answered.
package struct JSONRPCNotification: Sendable {
    /// The method name, such as `notifications/cancelled`.
    package var method: String
    /// `params` as sent; MCP methods take an object, absent means `{}`.
    package var params: JSONValue?

    /// A notification; `params` defaults to none.
    package init(method: String, params: JSONValue? = nil) {
        self.method = method
        self.params = params
    }
}

/// A JSON-RPC response sent by the peer (handshake era: answers to server→client requests).
package struct JSONRPCResponse: Sendable {
    /// The id of the request this answers.
    package var id: JSONRPCID
    /// The `result` value, or the `error` object read into a ``JSONRPCError``.
    package var outcome: Result<JSONValue, JSONRPCError>
}

/// One decoded JSON-RPC message.
package enum JSONRPCMessage: Sendable {
    /// A message with a method and an id.
    case request(JSONRPCRequest)
    /// A message with a method and no id.
    case notification(JSONRPCNotification)
    /// A message with a `result` or an `error` and an id.
    case response(JSONRPCResponse)

    /// Classifies a parsed JSON value (§1 step 1 of MCP-REQUIREMENTS): anything that is not one
    /// well-formed JSON-RPC 2.0 object is `-32600`, answered with the id when it can be read.
    package static func decode(_ value: JSONValue) -> Result<JSONRPCMessage, InvalidMessage> {
        guard case .object(let object) = value else {
            return .failure(InvalidMessage(id: nil, error: .invalidRequest("expected a JSON-RPC object")))
        }
        let rawID = object["id"]
        let id = rawID.flatMap(JSONRPCID.init(json:))
        guard object["jsonrpc"] == .string("2.0") else {
            return .failure(InvalidMessage(id: id, error: .invalidRequest("\"jsonrpc\" must be \"2.0\"")))
        }
        if let rawID, id == nil {
            let detail = rawID.isNull ? "id must not be null" : "id must be a string or an integer"
            return .failure(InvalidMessage(id: nil, error: .invalidRequest(detail)))
        }
        if let methodValue = object["method"] {
            guard case .string(let method) = methodValue else {
                return .failure(InvalidMessage(id: id, error: .invalidRequest("method must be a string")))
            }
            let params = object["params"]
            if let id { return .success(.request(JSONRPCRequest(id: id, method: method, params: params))) }
            return .success(.notification(JSONRPCNotification(method: method, params: params)))
        }
        if object["result"] != nil && object["error"] != nil {
            // Neither answerable nor deliverable: JSON-RPC never answers a response.
            return .failure(InvalidMessage(id: id, error: .invalidRequest("both result and error"), isResponse: true))
        }
        if let id {
            if let result = object["result"], object["error"] == nil {
                return .success(.response(JSONRPCResponse(id: id, outcome: .success(result))))
            }
            if let error = object["error"]?.objectValue, let code = error["code"]?.intValue,
                object["result"] == nil
            {
                let rpcError = JSONRPCError(
                    code: code, message: error["message"]?.stringValue ?? "", data: error["data"])
                return .success(.response(JSONRPCResponse(id: id, outcome: .failure(rpcError))))
            }
        }
        return .failure(InvalidMessage(id: id, error: .invalidRequest("missing method")))
    }
}

/// A message that is not valid JSON-RPC, with the id to answer to when one could be read.
package struct InvalidMessage: Error, Sendable {
    /// The message's id when it could be read; nil when it had none or it was invalid.
    package var id: JSONRPCID?
    /// The `-32600` error to answer with.
    package var error: JSONRPCError
    /// The message looked like a response: it is dropped, never answered.
    package var isResponse = false

    /// An invalid message; `isResponse` defaults to false.
    package init(id: JSONRPCID?, error: JSONRPCError, isResponse: Bool = false) {
        self.id = id
        self.error = error
        self.isResponse = isResponse
    }
}
