import MCPCore
import Testing

@Suite("JSON-RPC messages")
struct JSONRPCMessageTests {
    func decode(_ text: String) throws -> Result<JSONRPCMessage, InvalidMessage> {
        JSONRPCMessage.decode(try JSONParser.parse(text))
    }

    @Test func echoesIDsExactly() throws {
        guard case .success(.request(let byString)) = try decode(#"{"jsonrpc":"2.0","id":"1","method":"m"}"#),
            case .success(.request(let byNumber)) = try decode(#"{"jsonrpc":"2.0","id":1,"method":"m"}"#)
        else {
            Issue.record("not requests")
            return
        }
        #expect(byString.id == .string("1"))
        #expect(byNumber.id == .int(1))
        #expect(
            String(decoding: JSONRPCEncoding.result(id: byString.id, result: [:]), as: UTF8.self)
                == #"{"jsonrpc":"2.0","id":"1","result":{}}"#)
    }

    @Test func recognisesNotificationsAndResponses() throws {
        guard
            case .success(.notification(let notification)) = try decode(
                #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        else {
            Issue.record("not a notification")
            return
        }
        #expect(notification.method == "notifications/initialized")
        guard case .success(.response) = try decode(#"{"jsonrpc":"2.0","id":4,"result":{}}"#) else {
            Issue.record("not a response")
            return
        }
    }

    @Test func aResponseWithBothResultAndErrorIsDroppedNotAnswered() throws {
        guard case .failure(let invalid) = try decode(#"{"jsonrpc":"2.0","id":4,"result":{},"error":{"code":1}}"#)
        else {
            Issue.record("accepted")
            return
        }
        #expect(invalid.isResponse, "JSON-RPC never answers a response")
    }

    @Test(arguments: [
        (#"{"jsonrpc":"1.0","id":1,"method":"m"}"#, JSONRPCID?.some(.int(1))),
        (#"{"id":1,"method":"m"}"#, .some(.int(1))),
        (#"{"jsonrpc":"2.0","id":1}"#, .some(.int(1))),
        (#"{"jsonrpc":"2.0","id":1,"method":42}"#, .some(.int(1))),
        (#"{"jsonrpc":"2.0","id":null,"method":"m"}"#, nil),
        (#"{"jsonrpc":"2.0","id":{},"method":"m"}"#, nil),
        (#"{"jsonrpc":"2.0","id":[1],"method":"m"}"#, nil),
        (#"{"jsonrpc":"2.0","id":1.5,"method":"m"}"#, nil),
        (#"{}"#, nil), (#"[]"#, nil), (#""string""#, nil), ("42", nil), ("true", nil),
    ])
    func rejectsWrongShapesWithInvalidRequest(_ text: String, id: JSONRPCID?) throws {
        guard case .failure(let invalid) = try decode(text) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(invalid.error.code == -32600)
        #expect(invalid.id == id)
    }

    @Test func anInternalErrorSaysSoOnceAndAddsOnlyAGivenDetail() {
        #expect(JSONRPCError.internalError().message == "Internal error")
        #expect(
            JSONRPCError.internalError("the resource took longer than the time limit").message
                == "Internal error: the resource took longer than the time limit")
        #expect(JSONRPCError.internalError().code == -32603)
    }
}
