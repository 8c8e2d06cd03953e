import HTTPTypes
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Testing

@testable import MCPHTTP

/// The server's request-head conversion must give exactly what swift-nio-extras' conversion
/// gives (the one Hummingbird uses): same method, scheme, authority, path, and the same fields
/// in the same order with the same raw and canonical names.
@Suite("Request head conversion")
struct RequestHeadConversionTests {
    static func head(_ method: HTTPMethod, _ uri: String, _ headers: [(String, String)]) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(headers))
    }

    static func head(_ uri: String, _ headers: [(String, String)]) -> HTTPRequestHead {
        head(.POST, uri, headers)
    }

    /// Heads as clients send them, and the corners: no `Host`, two `Host`s, `Host` in other
    /// cases and not first, names in every case, unknown and invalid names, a cookie, a
    /// repeated field, empty values, targets in every form.
    static let heads: [HTTPRequestHead] = [
        head(
            "/mcp",
            [
                ("Host", "127.0.0.1:8000"), ("Content-Type", "application/json"),
                ("Accept", "application/json, text/event-stream"), ("MCP-Protocol-Version", "2026-07-28"),
                ("Mcp-Method", "tools/call"), ("Mcp-Name", "add"), ("Content-Length", "180"),
            ]),
        head(
            "/mcp",
            [
                ("host", "localhost"), ("accept-encoding", "gzip, deflate"), ("connection", "keep-alive"),
                ("user-agent", "python-httpx/0.28.1"), ("mcp-protocol-version", "2025-11-25"),
                ("content-type", "application/json"), ("content-length", "12"), ("mcp-session-id", "abc"),
            ]),
        head(
            .GET, "/health?verbose=1",
            [
                ("User-Agent", "curl/8.5.0"), ("Accept", "*/*"), ("HOST", "example.com"),
                ("X-Forwarded-For", "203.0.113.9"),
            ]),
        head(.GET, "/", [("Host", "a.example"), ("Host", "b.example"), ("host", "c.example")]),
        head(.GET, "/no-host", [("Accept", "*/*")]),
        head(
            "/mcp",
            [
                ("X-Custom", "1"), ("x-custom", "2"), ("X-CUSTOM", "3"), ("Cookie", "a=1; b=2"), ("Origin", "null"),
                ("Authorization", "Bearer t"), ("Last-Event-ID", "7"), ("X-Request-ID", "r1"), ("Empty", ""),
                ("ACCEPT", "text/plain"), ("Content-type", "text/plain"), ("Hosts", "not the host"), ("Hos", "no"),
            ]),
        head(.GET, "//double/slash?x", [("Host", "h")]),
        head(.GET, "/%7Euser/a%20b?q=%zz#frag", [("Host", "h")]),
        head(.GET, "http://proxy.example:8080/path?q=1", [("Host", "ignored.example")]),
        head(.GET, "https://only.example", [("Host", "h")]),
        head(.OPTIONS, "*", [("Host", "h")]),
        head(.CONNECT, "example.com:443", [("Host", "example.com:443")]),
        head(.RAW(value: "PROPFIND"), "/dav", [("Depth", "1")]),
        head(.GET, "", [("Host", "h")]),
    ]

    @Test(arguments: heads, [false, true])
    func sameAsSwiftNIOExtras(head: HTTPRequestHead, secure: Bool) throws {
        let expected = try HTTPRequest(head, secure: secure, splitCookie: false)
        let converted = try RequestHeadConversion.request(head, secure: secure)
        #expect(converted.method == expected.method)
        #expect(converted.scheme == expected.scheme)
        #expect(converted.authority == expected.authority)
        #expect(converted.path == expected.path)
        #expect(converted.headerFields.map(\.name.rawName) == expected.headerFields.map(\.name.rawName))
        #expect(converted.headerFields.map(\.name.canonicalName) == expected.headerFields.map(\.name.canonicalName))
        #expect(converted.headerFields.map(\.value) == expected.headerFields.map(\.value))
        #expect(converted == expected)
    }

    @Test func everyKnownNameIsWhatTheLibraryMakesOfItsText() {
        for spelling in KnownFieldNames.spellings {
            for text in [spelling, spelling.lowercased()] {
                let known = KnownFieldNames.name(text)
                #expect(known?.rawName == text)
                #expect(known?.canonicalName == HTTPField.Name(text)?.canonicalName)
            }
            #expect(KnownFieldNames.name(spelling.uppercased()) == nil || spelling.uppercased() == spelling)
        }
        #expect(KnownFieldNames.name("") == nil)
        #expect(KnownFieldNames.name(String(repeating: "x", count: 200)) == nil)
    }

    @Test func hostInAnyCaseAndNothingElse() {
        for text in ["Host", "host", "HOST", "hOsT"] { #expect(KnownFieldNames.isHost(text)) }
        for text in ["Hos", "Hosts", "Hust", "Ho t", "H\u{0}st", "", "xost", "hosT\u{0}"] {
            #expect(!KnownFieldNames.isHost(text))
        }
    }
}
