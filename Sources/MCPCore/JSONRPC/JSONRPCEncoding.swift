/// Encodes outgoing JSON-RPC messages straight into bytes.
///
/// Results are often pre-encoded (a cached `tools/list` answer), so the envelope is written
/// around raw result bytes instead of building a tree and encoding it again.
package enum JSONRPCEncoding {
    /// `{"jsonrpc":"2.0","id":<id>,"result":<result>}`
    package static func result(id: JSONRPCID, resultBytes: [UInt8]) -> [UInt8] {
        var writer = JSONWriter(capacity: resultBytes.count + 40)
        writeResultHead(id: id, to: &writer)
        writer.writeRaw(resultBytes)
        writer.writeRaw("}")
        return writer.finish()
    }

    /// `{"jsonrpc":"2.0","id":<id>,"result":` — what comes before a result's bytes.
    package static func resultHead(id: JSONRPCID) -> [UInt8] {
        var writer = JSONWriter(capacity: 48)
        writeResultHead(id: id, to: &writer)
        return writer.finish()
    }

    private static func writeResultHead(id: JSONRPCID, to writer: inout JSONWriter) {
        writer.writeRaw(#"{"jsonrpc":"2.0","id":"#)
        writer.write(id.json)
        writer.writeRaw(#","result":"#)
    }

    /// `{"jsonrpc":"2.0","id":<id>,"result":<result>}`
    package static func result(id: JSONRPCID, result: JSONObject) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.writeRaw(#"{"jsonrpc":"2.0","id":"#)
        writer.write(id.json)
        writer.writeRaw(#","result":"#)
        writer.write(result)
        writer.writeRaw("}")
        return writer.finish()
    }

    /// `{"jsonrpc":"2.0","id":<id or null>,"error":{…}}`
    package static func error(id: JSONRPCID?, error: JSONRPCError) -> [UInt8] {
        var writer = JSONWriter(capacity: 128)
        writer.writeRaw(#"{"jsonrpc":"2.0","id":"#)
        writer.write(id?.json ?? .null)
        writer.writeRaw(#","error":"#)
        writer.write(error.json)
        writer.writeRaw("}")
        return writer.finish()
    }

    /// An error object with no id at all (answers to notifications that could not be accepted).
    package static func errorWithoutID(_ error: JSONRPCError) -> [UInt8] {
        var writer = JSONWriter(capacity: 128)
        writer.writeRaw(#"{"jsonrpc":"2.0","error":"#)
        writer.write(error.json)
        writer.writeRaw("}")
        return writer.finish()
    }

    /// `{"jsonrpc":"2.0","method":<method>,"params":<params>}`
    package static func notification(method: String, params: JSONObject) -> [UInt8] {
        message(id: nil, method: method, params: params)
    }

    /// A request (with an id) or a notification (without).
    static func message(id: JSONRPCID?, method: String, params: JSONObject) -> [UInt8] {
        var writer = JSONWriter(capacity: 128)
        writer.writeRaw(#"{"jsonrpc":"2.0","#)
        if let id {
            writer.writeRaw(#""id":"#)
            writer.write(id.json)
            writer.writeRaw(",")
        }
        writer.writeRaw(#""method":"#)
        writer.writeString(method)
        writer.writeRaw(#","params":"#)
        writer.write(params)
        writer.writeRaw("}")
        return writer.finish()
    }

    /// `{"jsonrpc":"2.0","id":<id>,"method":<method>,"params":<params>}` (server→client requests).
    package static func request(id: JSONRPCID, method: String, params: JSONObject) -> [UInt8] {
        message(id: id, method: method, params: params)
    }

    /// `{"jsonrpc":"2.0","id":<id>,"result":{}}` (`ping`, `logging/setLevel`).
    package static func emptyResult(id: JSONRPCID) -> [UInt8] { result(id: id, result: [:]) }
}
