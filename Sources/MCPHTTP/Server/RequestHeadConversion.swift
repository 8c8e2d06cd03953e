import HTTPTypes
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// NIO's HTTP/1 request head as a swift-http-types request: the same result as
/// swift-nio-extras' `HTTPRequest(_:secure:splitCookie:)`, at a third of its cost for the usual
/// head (callgrind: ≈ 15,000 instructions a `tools/call` there).
///
/// That conversion lowercases every field name twice (once looking for `Host`, once to
/// validate it), looks `Host` up a third time, and parses the request target with
/// `URLComponents` to find the path. Here a target in origin form (`/path?query`, what every
/// client sends to a server that is not a proxy) is the path as it stands — `URLComponents`
/// finds no scheme in it, so the library returns it unchanged too — and the names clients send
/// come ready-made from ``KnownFieldNames``. Any other target (absolute form, `*`, an
/// authority) goes through the library's conversion.
enum RequestHeadConversion {
    /// The request `head` describes; `secure` gives the scheme (`https` or `http`).
    static func request(_ head: HTTPRequestHead, secure: Bool) throws -> HTTPRequest {
        guard head.uri.utf8.first == UInt8(ascii: "/") else {
            return try HTTPRequest(head, secure: secure, splitCookie: false)
        }
        let method = try HTTPRequest.Method(head.method)
        var fields = HTTPFields()
        fields.reserveCapacity(head.headers.count)
        var authority: String?
        var sawHost = false
        for (name, value) in head.headers {
            // The first `Host` is the authority, not a field (later ones stay, as there).
            if !sawHost && KnownFieldNames.isHost(name) {
                sawHost = true
                authority = value
                continue
            }
            guard let fieldName = KnownFieldNames.name(name) ?? HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return HTTPRequest(
            method: method, scheme: secure ? "https" : "http", authority: authority, path: head.uri,
            headerFields: fields)
    }
}

/// Field names as clients spell them, made once: a name found here is the `HTTPField.Name`
/// that `HTTPField.Name(_:)` makes of the same text (same raw name, same canonical name),
/// without lowercasing and validating it per request.
enum KnownFieldNames {
    /// The names, each as browsers and curl write it and in lower case (HTTP/2-minded clients such
    /// as Python's `httpx` send lower case).
    static let spellings = [
        "Accept", "Accept-Encoding", "Accept-Language", "Authorization", "Cache-Control", "Connection",
        "Content-Length", "Content-Type", "Cookie", "Last-Event-ID", "MCP-Protocol-Version", "Mcp-Method",
        "Mcp-Name", "Mcp-Session-Id", "Origin", "Referer", "Transfer-Encoding", "User-Agent", "X-Forwarded-For",
        "X-Forwarded-Proto", "X-Real-IP", "X-Request-ID", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-Dest",
        "Upgrade",
    ]

    /// The names by the length of their spelling: a look-up compares only names as long as
    /// the one sought.
    static let byLength: [[(spelling: String, name: HTTPField.Name)]] = {
        var table = [[(spelling: String, name: HTTPField.Name)]](repeating: [], count: 32)
        for spelling in spellings {
            for text in Set([spelling, spelling.lowercased()]) {
                table[text.utf8.count].append((text, HTTPField.Name(text)!))
            }
        }
        return table
    }()

    /// The ready-made name spelled exactly `text`, or nil.
    static func name(_ text: String) -> HTTPField.Name? {
        let length = text.utf8.count
        guard length < byLength.count else { return nil }
        for entry in byLength[length] where entry.spelling == text { return entry.name }
        return nil
    }

    /// Whether `text` is `Host` in any case.
    static func isHost(_ text: String) -> Bool {
        var text = text
        guard text.utf8.count == 4 else { return false }
        return text.withUTF8 { bytes in
            bytes[0] | 0x20 == UInt8(ascii: "h") && bytes[1] | 0x20 == UInt8(ascii: "o")
                && bytes[2] | 0x20 == UInt8(ascii: "s") && bytes[3] | 0x20 == UInt8(ascii: "t")
        }
    }
}
