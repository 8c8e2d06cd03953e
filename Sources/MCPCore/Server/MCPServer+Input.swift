extension MCPServer {
    /// The answers a 2026-07-28 request brought for its questions (`inputResponses`, and
    /// those of earlier rounds in its `requestState`); nil in the handshake era, where
    /// questions travel as requests to the client instead.
    ///
    /// - Throws: `-32602` "Invalid or expired requestState" for a state that does not open with
    ///   this server's keys, has expired, or was issued for another request, name, set of
    ///   params or caller (MRTR-4); the reason goes to the log only.
    func inputAnswers(_ routed: RoutedRequest, name: String) throws(JSONRPCError) -> InputAnswers? {
        guard routed.era.isModern else { return nil }
        let params = routed.message.params?.objectValue ?? [:]
        var responses: JSONObject = [:]
        if let raw = params["requestState"] {
            guard case .string(let text) = raw, let state = RequestState.open(text, ring: configuration.keyRing),
                state.expires > RequestState.now, state.method == routed.message.method, state.name == name,
                state.principal == routed.principal, state.digest == RequestState.digest(of: params)
            else { throw .invalidParams("Invalid or expired requestState") }
            responses = state.responses
        }
        switch params["inputResponses"] {
        case .none, .some(.null): break
        case .some(.object(let given)):
            for (key, value) in given { responses[key] = value }
        default: throw .invalidParams("inputResponses must be an object")
        }
        return InputAnswers(responses: responses)
    }

    /// The `input_required` result asking `required`'s question (MRTR-2): one input request,
    /// and the sealed state carrying every answer so far. No caching hints (CACHE-1).
    func inputRequiredResult(_ required: InputRequired, _ routed: RoutedRequest, name: String) -> JSONObject {
        let params = routed.message.params?.objectValue ?? [:]
        let ttl = configuration.requestStateTTL.components
        let state = RequestState(
            method: routed.message.method, name: name, digest: RequestState.digest(of: params),
            principal: routed.principal, expires: RequestState.now + Double(ttl.seconds),
            responses: required.answers.responses)
        var result: JSONObject = [
            "resultType": "input_required",
            "inputRequests": [required.key: required.request.json(for: routed.era.version)],
            "requestState": .string(state.sealed(with: configuration.keyRing)),
        ]
        if let serverInfoMeta { result.append("_meta", .object(serverInfoMeta)) }
        return result
    }
}
