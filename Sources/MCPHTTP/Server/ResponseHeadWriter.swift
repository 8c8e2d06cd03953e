import HTTPTypes
import NIOCore
import NIOHTTP1

/// Writes a swift-http-types response head straight into HTTP/1.1 bytes, framed as NIO's
/// `HTTPResponseEncoder` frames it, and stamps what every answer carries (`Date`, the security
/// headers) on the way.
///
/// The library path turned each answer into an array of string pairs (`HTTPResponseHead`), then
/// scanned that array case-blind four times to frame it and copied each name and value with a
/// generic string write (≈ 1,000 instructions a field; an answer here has ten). Here one pass
/// over the fields decides framing and stamps, a second copies their bytes, and the usual stamps
/// are one prebuilt block.
struct ResponseHeadWriter: Sendable {
    /// What the writer adds to every answer; nil writes the answer's own fields only (what NIO
    /// writes).
    let stamps: ResponseStamps?

    /// How the body that follows a head is framed.
    enum Framing {
        /// Bytes as they come: a `Content-Length` says where the body ends, or there is none.
        case plain
        /// `Transfer-Encoding: chunked`, added here when the answer had no `Content-Length`.
        case chunked
    }

    /// Writes `response`'s head into `buffer` and says how its body is framed. `bodyless` is true
    /// for an answer to `CONNECT`, which never has a body (nor framing fields); an answer to
    /// `HEAD` keeps the fields a `GET` would have had, and its caller drops the body.
    func write(_ response: HTTPResponse, bodyless: Bool, into buffer: inout ByteBuffer) -> Framing {
        let mayHaveBody = !bodyless && Self.statusMayHaveBody(response.status.code)
        var summary = ResponseFieldSummary()
        for field in response.headerFields { summary.note(field) }
        let chunked = mayHaveBody && !summary.contentLength
        let security = stamps.map { SecurityHeaders.addition(for: summary, tls: $0.tls) }

        Self.writeStatusLine(response.status, into: &buffer)
        for field in response.headerFields {
            switch ResponseFieldKind(field.name) {
            case .transferEncoding:
                continue  // framing is decided here
            case .contentLength where !mayHaveBody:
                continue
            case .date where stamps != nil:
                continue  // replaced by the stamp
            case .cacheControl, .security:
                if case .fields(let added) = security, added.contains(where: { $0.name == field.name }) { continue }
            default:
                break
            }
            Self.write(field, into: &buffer)
        }
        if let stamps {
            buffer.writeString(stamps.dates.line)
            switch security {
            case .usual(let lines): buffer.writeString(lines)
            case .fields(let added): for field in added { Self.write(field, into: &buffer) }
            case nil: break
            }
        }
        if chunked { buffer.writeStaticString("transfer-encoding: chunked\r\n") }
        buffer.writeStaticString("\r\n")
        return chunked ? .chunked : .plain
    }

    /// Whether an answer with this status may carry a body: not a 1xx, 204 or 304.
    static func statusMayHaveBody(_ code: Int) -> Bool {
        !(100..<200).contains(code) && code != 204 && code != 304
    }

    /// `HTTP/1.1 200 OK`: the reason phrase is NIO's for the codes it knows, as its encoder writes
    /// them, else the answer's own.
    static func writeStatusLine(_ status: HTTPResponse.Status, into buffer: inout ByteBuffer) {
        if status.code == 200 {
            buffer.writeStaticString("HTTP/1.1 200 OK\r\n")
            return
        }
        let nio = HTTPResponseStatus(statusCode: status.code, reasonPhrase: status.reasonPhrase)
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(status.code))
        buffer.writeStaticString(" ")
        buffer.writeString(nio.reasonPhrase)
        buffer.writeStaticString("\r\n")
    }

    /// `Name: value` and a line end; the value's bytes are copied as they are stored.
    static func write(_ field: HTTPField, into buffer: inout ByteBuffer) {
        buffer.writeString(field.name.rawName)
        buffer.writeStaticString(": ")
        _ = field.withUnsafeBytesOfValue { buffer.writeBytes($0) }
        buffer.writeStaticString("\r\n")
    }
}

/// What the writer stamps on every answer.
struct ResponseStamps: Sendable {
    /// Under TLS the security headers include HSTS.
    let tls: Bool
    let dates: DateHeader
}

/// The fields of an answer that matter to its framing and stamps, found in one pass.
struct ResponseFieldSummary {
    var contentLength = false
    var cacheControl = false
    var html = false
    /// `Content-Security-Policy` is set.
    var policy = false
    /// Any of ``SecurityHeaders/names`` is set.
    var securitySetByRoute = false

    mutating func note(_ field: HTTPField) {
        switch ResponseFieldKind(field.name) {
        case .contentLength: contentLength = true
        case .cacheControl: cacheControl = true
        case .contentType: html = html || field.value.hasPrefix("text/html")
        case .security:
            securitySetByRoute = true
            policy = policy || field.name == .contentSecurityPolicy
        case .transferEncoding, .date, .other: break
        }
    }
}

/// The fields the writer treats apart, told by the length of the lower-case name first (one
/// integer compare for most fields).
enum ResponseFieldKind {
    case contentLength, transferEncoding, date, cacheControl, contentType, security, other

    init(_ name: HTTPField.Name) {
        switch name.canonicalName.utf8.count {
        case 4 where name == .date: self = .date
        case 12 where name == .contentType: self = .contentType
        case 13 where name == .cacheControl: self = .cacheControl
        case 14 where name == .contentLength: self = .contentLength
        case 17 where name == .transferEncoding: self = .transferEncoding
        case 15, 22, 23, 25: self = SecurityHeaders.names.contains(name) ? .security : .other
        default: self = .other
        }
    }
}
