import HTTPTypes
import Hummingbird
import MCPCore

extension StreamableHTTPEndpoint {
    /// JSON-RPC batches: legal only inside a session that negotiated 2025-03-26 (§1 step 2,
    /// HTTP-L-12), at most 100 messages; anywhere else -32600.
    func batch(
        _ elements: [JSONValue], request: Request, context: MCPRequestContext, accepted: AcceptedTypes
    ) async -> Response {
        guard let sessionID = request.headers[.mcpSessionID], let session = openSession(sessionID, context: context),
            session.state.version == .v2025_03_26
        else {
            return HTTPMessages.error(.invalidRequest("batches are only accepted in 2025-03-26 sessions"))
        }
        guard !elements.isEmpty, elements.count <= 100 else {
            return HTTPMessages.error(.invalidRequest("a batch holds 1 to 100 messages"))
        }
        context.record.update { $0.mcpMethod = "batch" }
        var answers = BatchAnswers(limit: server.configuration.maxResultBytes)
        for element in elements {
            switch JSONRPCMessage.decode(element) {
            case .failure(let invalid):
                answers.append(JSONRPCEncoding.error(id: invalid.id, error: invalid.error))
            case .success(.request(let rpc)):
                if rpc.method == "initialize" {
                    answers.append(JSONRPCEncoding.error(id: rpc.id, error: .invalidRequest("already initialized")))
                    continue
                }
                if answers.isFull { answers.refuse(rpc.id); continue }
                let (reply, updated) = await server.serve(rpc, era: .handshake(session.state), logger: context.logger)
                if let level = updated?.logLevel { sessions.setLogLevel(session, level: level) }
                answers.append(reply.bytes, id: rpc.id)
            case .success(.notification), .success(.response):
                continue
            }
        }
        guard !answers.isEmpty else { return HTTPMessages.empty(.accepted) }
        return HTTPMessages.json(answers.bytes)
    }
}
