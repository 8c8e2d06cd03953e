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
/// over the fields copies each as one line and notes what decides framing and stamps, and the
/// usual stamps are one prebuilt block.
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

    /// Writes `response`'s head into `buffer` and says how its body is framed. `status` is the
    /// answer's (read once: `HTTPResponse` parses it from text on every read). `bodyless` is true
    /// for an answer to `CONNECT`, which never has a body (nor framing fields); an answer to
    /// `HEAD` keeps the fields a `GET` would have had, and its caller drops the body.
    func write(
        _ response: HTTPResponse, status: HTTPResponse.Status, bodyless: Bool, into buffer: inout ByteBuffer
    ) -> Framing {
        let mayHaveBody = !bodyless && Self.statusMayHaveBody(status.code)
        Self.writeStatusLine(status, into: &buffer)
        // One pass writes the fields and notes what decides framing and stamps; in the rare case
        // that the route set a security header the stamps replace, the fields are written again.
        let fieldsStart = buffer.writerIndex
        var summary = ResponseFieldSummary()
        for field in response.headerFields {
            if keeps(summary.note(field), mayHaveBody: mayHaveBody) {
                buffer.writeFieldLine(field)
            }
        }
        if let stamps {
            let security = SecurityHeaders.addition(for: summary, tls: stamps.tls)
            if case .fields(let added) = security, summary.securitySetByRoute {
                buffer.moveWriterIndex(to: fieldsStart)
                for field in response.headerFields {
                    let kind = ResponseFieldKind(field.name)
                    guard keeps(kind, mayHaveBody: mayHaveBody) else { continue }
                    if kind == .security, added.contains(where: { $0.name == field.name }) { continue }
                    buffer.writeFieldLine(field)
                }
            }
            buffer.writeUTF8(stamps.dates.line)
            switch security {
            case .usual(let lines): buffer.writeUTF8(lines)
            case .fields(let added): for field in added { buffer.writeFieldLine(field) }
            }
        }
        let chunked = mayHaveBody && !summary.contentLength
        if chunked {
            buffer.writeStaticString("transfer-encoding: chunked\r\n\r\n")
        } else {
            buffer.writeStaticString("\r\n")
        }
        return chunked ? .chunked : .plain
    }

    /// Whether a field of the route's of this kind goes out as it is: framing fields are decided
    /// here, and a stamped `Date` replaces the route's.
    private func keeps(_ kind: ResponseFieldKind, mayHaveBody: Bool) -> Bool {
        switch kind {
        case .transferEncoding: false
        case .contentLength: mayHaveBody
        case .date: stamps == nil
        default: true
        }
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
        buffer.writeUTF8("HTTP/1.1 \(status.code) \(nio.reasonPhrase)\r\n")
    }
}

extension ByteBuffer {
    /// `Name: value` and a line end, as NIO's encoder writes a field (the raw name, the value as
    /// UTF-8), with one capacity check and plain copies where four string writes pay four.
    mutating func writeFieldLine(_ field: HTTPField) {
        var name = field.name.rawName
        var value = field.value
        name.withUTF8 { name in
            value.withUTF8 { value in
                let count = name.count + value.count + 4
                writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
                    var at = 0
                    func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
                        guard !bytes.isEmpty else { return }
                        UnsafeMutableRawBufferPointer(rebasing: out[at..<(at + bytes.count)])
                            .copyMemory(from: UnsafeRawBufferPointer(bytes))
                        at += bytes.count
                    }
                    func byte(_ value: UInt8) {
                        out[at] = value
                        at += 1
                    }
                    copy(name)
                    byte(UInt8(ascii: ":"))
                    byte(UInt8(ascii: " "))
                    copy(value)
                    byte(UInt8(ascii: "\r"))
                    byte(UInt8(ascii: "\n"))
                    return count
                }
            }
        }
    }

    /// `text`'s UTF-8 bytes, in one copy.
    mutating func writeUTF8(_ text: String) {
        var text = text
        text.withUTF8 { _ = writeBytes(UnsafeRawBufferPointer($0)) }
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

    /// Notes `field` and says what kind it is.
    mutating func note(_ field: HTTPField) -> ResponseFieldKind {
        let kind = ResponseFieldKind(field.name)
        switch kind {
        case .contentLength: contentLength = true
        case .cacheControl: cacheControl = true
        case .contentType: html = html || field.value.hasPrefix("text/html")
        case .security:
            securitySetByRoute = true
            policy = policy || field.name == .contentSecurityPolicy
        case .transferEncoding, .date, .other: break
        }
        return kind
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
