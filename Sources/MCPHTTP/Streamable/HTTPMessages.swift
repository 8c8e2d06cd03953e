import Foundation
package import HTTPTypes
package import Hummingbird
package import MCPCore
import NIOCore

/// Response helpers shared by the HTTP routes.
package enum HTTPMessages {
    /// The JSON media type, without parameters.
    package static let jsonContentType = "application/json"
    static let jsonContentTypeField = HTTPField(name: .contentType, value: jsonContentType)

    /// A JSON body. A 503 or 429 without `Retry-After` gets one second.
    package static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response
    {
        json(body: ByteBuffer(bytes: bytes), status: status, headers: headers)
    }

    /// A JSON-RPC answer as the body, copied once into the body's buffer (a cached result is
    /// not joined to its envelope first).
    package static func json(_ reply: Reply, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let pieces = reply.pieces
        var body = ByteBufferAllocator().buffer(
            capacity: pieces.head.count + (pieces.shared?.count ?? 0) + pieces.tail.utf8CodeUnitCount)
        body.writeBytes(pieces.head)
        if let shared = pieces.shared { body.writeBytes(shared) }
        body.writeStaticString(pieces.tail)
        return json(body: body, status: status, headers: headers)
    }

    private static func json(body: ByteBuffer, status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        var fields = headers
        if fields.isEmpty {
            // Room for what the glue adds later (the request id): the fields array is allocated
            // once instead of growing.
            fields.reserveCapacity(HTTPResponderGlue.addedFields + 1)
            fields.append(jsonContentTypeField)  // prebuilt: no look-up, no value check per answer
        } else {
            fields[.contentType] = jsonContentType
        }
        if status == .serviceUnavailable || status == .tooManyRequests, fields[.retryAfter] == nil {
            fields[.retryAfter] = "1"
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: body))
    }

    /// A JSON body for a value.
    package static func json(
        _ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) -> Response {
        json(JSONWriter.bytes(value), status: status, headers: headers)
    }

    /// A JSON-RPC error answer with the status of HTTP-10 (or the one given).
    package static func error(
        _ error: JSONRPCError, id: JSONRPCID? = nil, status: HTTPResponse.Status? = nil,
        headers: HTTPFields = [:]
    )
        -> Response
    {
        json(
            JSONRPCEncoding.error(id: id, error: error),
            status: status ?? HTTPStatusMapping.status(forErrorCode: error.code),
            headers: headers)
    }

    /// A JSON-RPC error without an id (answers to rejected notifications and non-request bodies).
    package static func errorWithoutID(_ error: JSONRPCError, status: HTTPResponse.Status) -> Response {
        json(JSONRPCEncoding.errorWithoutID(error), status: status)
    }

    /// A status with no body.
    package static func empty(_ status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        Response(status: status, headers: headers, body: ResponseBody())
    }

    /// A plain-text problem for non-JSON-RPC routes.
    package static func problem(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response
    {
        json(["error": .string(message), "status": .int(status.code)], status: status, headers: headers)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " || slice.first == "\t" { slice = slice.dropFirst() }
        while slice.last == " " || slice.last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
