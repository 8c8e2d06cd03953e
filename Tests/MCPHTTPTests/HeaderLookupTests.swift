import HTTPTypes
import MCPCore
import Testing

@testable import MCPHTTP

/// Header look-ups compare lengths before names; a name of the same length that differs, or a
/// name spelt in another case, must still be told apart correctly.
@Suite("Header look-ups")
struct HeaderLookupTests {
    static func field(_ name: String, _ value: String) -> HTTPField {
        HTTPField(name: HTTPField.Name(name)!, value: value)
    }

    @Test func mcpHeadersReadEachNameInAnyCaseAndNothingElse() {
        let fields = HTTPFields([
            Self.field("CONTENT-TYPE", "application/json"), Self.field("content-typx", "no"),
            Self.field("Accept", "application/json"), Self.field("acceps", "no"),
            Self.field("accept", "text/event-stream"),
            Self.field("mcp-SESSION-id", "s1"), Self.field("mcp-session-ix", "no"),
            Self.field("Mcp-Protocol-Version", "2026-07-28"), Self.field("mcp-protocol-versioX", "no"),
            Self.field("MCP-METHOD", "tools/call"), Self.field("mcp-methox", "no"),
            Self.field("mcp-name", "add"), Self.field("mcp-namx", "no"),
            Self.field("last-event-ID", "7"), Self.field("last-event-ix", "no"), Self.field("user-agent", "wrk"),
        ])
        let headers = MCPHeaders(fields)
        #expect(headers.contentType == "application/json")
        #expect(headers.accept == "application/json,text/event-stream")
        #expect(headers.sessionID == "s1")
        #expect(headers.routing.protocolVersion == "2026-07-28")
        #expect(headers.routing.method == "tools/call")
        #expect(headers.routing.name == "add")
        #expect(headers.lastEventID == "7")
        #expect(headers.routing.repeated.isEmpty)
    }

    @Test func singleValuesAndPresenceMatchTheFieldsSubscript() {
        let fields = HTTPFields([
            Self.field("User-Agent", "curl"), Self.field("user-agenX", "no"), Self.field("x-request-id", "a"),
            Self.field("X-Request-Id", "b"), Self.field("date", "today"),
        ])
        #expect(fields.value(of: .userAgent) == "curl")
        #expect(fields.value(of: .userAgent) == fields[.userAgent])
        #expect(fields.value(of: HTTPField.Name("x-request-id")!) == "a, b")
        #expect(fields.value(of: .origin) == nil)
        #expect(fields.contains(anyOf: [.origin, .date]))
        #expect(!fields.contains(anyOf: [.origin, .cacheControl]))
    }

    /// The case-blind comparison the `Accept` and `Content-Type` checks use folds A–Z only:
    /// the bytes next to them (`@`, `[`, backquote, `{`) and non-ASCII ones match only themselves.
    @Test func equalsIgnoringCaseFoldsOnlyASCIILetters() {
        #expect(Array("APPLICATION/JSON".utf8).equalsIgnoringCase("application/json"))
        #expect(Array("Text/Event-Stream".utf8).equalsIgnoringCase("text/event-stream"))
        #expect(!Array("application/jsonx".utf8).equalsIgnoringCase("application/json"))
        #expect(!Array("É".utf8).equalsIgnoringCase("é"))
        for byte in UInt8(0)...UInt8(255) {
            let one = [byte]
            #expect(one.equalsIgnoringCase("a") == (byte == UInt8(ascii: "a") || byte == UInt8(ascii: "A")), "\(byte)")
            #expect(one.equalsIgnoringCase("z") == (byte == UInt8(ascii: "z") || byte == UInt8(ascii: "Z")), "\(byte)")
            #expect(one.equalsIgnoringCase("@") == (byte == UInt8(ascii: "@")), "\(byte)")
            #expect(one.equalsIgnoringCase("[") == (byte == UInt8(ascii: "[")), "\(byte)")
            #expect(one.equalsIgnoringCase("`") == (byte == UInt8(ascii: "`")), "\(byte)")
            #expect(one.equalsIgnoringCase("{") == (byte == UInt8(ascii: "{")), "\(byte)")
        }
    }
}
