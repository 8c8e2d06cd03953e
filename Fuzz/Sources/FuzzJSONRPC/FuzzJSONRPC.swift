import MCPCore

/// JSON-RPC decoding and the 2026-07-28 envelope on arbitrary bytes: classification, ids,
/// envelope validation and the error answers built from them must never crash, and every
/// answer must be valid JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONRPC(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONParser.parse(UnsafeRawBufferPointer(bytes), maxDepth: 64) else { return 0 }
    let messages: [JSONValue] = value.arrayValue.map { Array($0.prefix(100)) } ?? [value]
    for message in messages {
        switch JSONRPCMessage.decode(message) {
        case .failure(let invalid):
            check(JSONRPCEncoding.error(id: invalid.id, error: invalid.error))
        case .success(.request(let request)):
            if Envelope.isPresent(in: request.params) {
                do {
                    let envelope = try Envelope.parse(params: request.params)
                    _ = envelope.version.isModern
                } catch {
                    check(JSONRPCEncoding.error(id: request.id, error: error))
                }
            }
            check(JSONRPCEncoding.result(id: request.id, result: ["method": .string(request.method)]))
        case .success(.notification(let notification)):
            _ = notification.params?["requestId"].flatMap(JSONRPCID.init(json:))
        case .success(.response(let response)):
            _ = response.id.description
        }
    }
    return 0
}

func check(_ answer: [UInt8]) {
    guard (try? JSONParser.parse(answer, maxDepth: 128)) != nil else { fatalError("an answer is not valid JSON") }
}
