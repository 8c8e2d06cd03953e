import Foundation
import Logging
import MCPCore
import Testing

@testable import MCPHTTP
@testable import MCPRuntime

/// The access line written by the fast path is the line the console handler writes for the
/// same record through swift-log (dashboards and log pipelines read that format).
@Suite("Access log lines")
struct AccessLogTests {
    static let full = AccessLogEntry(
        method: "POST", path: "/mcp", route: "/mcp", status: 200, bodyBytes: 187, microseconds: 1234,
        requestID: "0f1e2d3c-req", clientAddress: "203.0.113.7", peerAddress: "127.0.0.1",
        userAgent: "curl/8.5 \"quoted\" \\ back", mcpMethod: "tools/call", toolName: "add", era: "2026-07-28",
        sessionID: "s.1")

    static let minimal = AccessLogEntry(
        method: "GET", path: "/health", route: "/health", status: 503, bodyBytes: 0, microseconds: 7,
        requestID: "r", clientAddress: "-", peerAddress: nil, userAgent: nil, mcpMethod: nil, toolName: nil,
        era: nil, sessionID: nil)

    /// The line through `log`, as `logger.info("access", metadata:)` gives it.
    func generic(_ handler: ConsoleLogHandler, _ entry: AccessLogEntry) -> String {
        let event = LogEvent(
            level: .info, message: "access", metadata: entry.metadata, source: nil, file: #fileID, function: #function,
            line: #line)
        return String(decoding: handler.render(event), as: UTF8.self)
    }

    func withoutTimestamp(_ line: String) -> String {
        line.replacing(#/"timestamp":"[^"]*"/#, with: "\"timestamp\":\"T\"")
    }

    /// Quotes, backslashes, control characters and text beyond ASCII, at lengths past the
    /// eight bytes the string scan takes at a time.
    static let escaped = AccessLogEntry(
        method: "PATCH", path: "/a\u{1}b\"c\\d\u{7f}/é/日本/" + String(repeating: "x", count: 300), route: "unmatched",
        status: 404, bodyBytes: Int.max, microseconds: 999_999_999_999, requestID: "\t\n\r\u{8}\u{c}\u{1f}",
        clientAddress: "2001:db8::1", peerAddress: "10.0.0.1", userAgent: String(repeating: "\u{0}\"", count: 40),
        mcpMethod: "tools/call", toolName: "ünïcode", era: "handshake", sessionID: "ab12")

    /// Every text at its longest escape: the renderer's bound still holds the line.
    static let worstCase = AccessLogEntry(
        method: String(repeating: "\u{1}", count: 9), path: String(repeating: "\u{2}", count: 64), route: "\u{3}",
        status: 599, bodyBytes: Int.max, microseconds: Int.max, requestID: String(repeating: "\u{4}", count: 17),
        clientAddress: "\u{5}", peerAddress: "\u{6}", userAgent: String(repeating: "\u{1f}", count: 200),
        mcpMethod: "\u{7}", toolName: "\u{8}", era: "\u{b}", sessionID: "\u{e}")

    @Test(arguments: [full, minimal, escaped, worstCase])
    func fastLineIsTheGenericLine(entry: AccessLogEntry) throws {
        var handler = ConsoleLogHandler(label: "mcp.server", level: .info, format: .json, stream: .standardOutput)
        handler.metadata["worker"] = "1"
        handler.metadata["pid"] = "shadowed"
        handler.metadata["request.id"] = "the entry's own wins"
        let writer = try #require(handler.accessLogWriter() as? JSONAccessLogWriter)
        let rendered = writer.render(entry)
        #expect(rendered.count <= writer.lineBound(entry))
        let fast = String(decoding: rendered, as: UTF8.self)
        #expect(withoutTimestamp(fast) == withoutTimestamp(generic(handler, entry)))
        let object = try #require(JSONSerialization.jsonObject(with: Data(fast.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "access")
        #expect(object["worker"] as? String == "1")
        #expect(object["request.id"] as? String == entry.requestID)
    }

    /// `request.id` is kept apart from the handler's dictionary (set on every request); a
    /// record still carries it where it always was, among the sorted metadata keys.
    @Test func requestIDIsMetadataLikeAnyOther() throws {
        var logger = Logger(label: "mcp.server") { label in
            ConsoleLogHandler(label: label, level: .info, format: .json, stream: .standardOutput)
        }
        logger[metadataKey: "worker"] = "2"
        logger[metadataKey: "request.id"] = "abc"
        logger[metadataKey: "zone"] = "z"
        var handler = try #require(logger.handler as? ConsoleLogHandler)
        #expect(handler.metadata == ["worker": "2", "request.id": "abc", "zone": "z"])
        #expect(handler[metadataKey: "request.id"] == "abc")
        let event = LogEvent(
            level: .info, message: "m", metadata: nil, source: nil, file: #fileID, function: #function, line: #line)
        let line = String(decoding: handler.render(event), as: UTF8.self)
        #expect(line.contains(#""request.id":"abc","worker":"2","zone":"z"}"#), "\(line)")
        handler.metadata = ["request.id": "def"]
        #expect(handler[metadataKey: "request.id"] == "def")
        #expect(handler[metadataKey: "worker"] == nil)
        handler[metadataKey: "request.id"] = nil
        #expect(handler.metadata.isEmpty)
    }

    @Test func numbersAreStringsAsBefore() throws {
        let handler = ConsoleLogHandler(label: "mcp.server", level: .info, format: .json, stream: .standardOutput)
        let writer = try #require(handler.accessLogWriter() as? JSONAccessLogWriter)
        let line = String(decoding: writer.render(Self.full), as: UTF8.self)
        #expect(line.contains(#""duration_ms":"1.234""#))
        #expect(line.contains(#""http.response.status_code":"200""#))
        #expect(line.contains(#""http.response.body.size":"187""#))
        #expect(AccessLogEntry.milliseconds(7) == "0.007")
        #expect(AccessLogEntry.milliseconds(12_345_678) == "12345.678")
    }

    @Test func textFormatAndQuietLevelsTakeTheGenericPath() {
        let text = ConsoleLogHandler(label: "mcp.server", level: .info, format: .text, stream: .standardOutput)
        #expect(text.accessLogWriter() == nil)
        let warning = ConsoleLogHandler(label: "mcp.server", level: .warning, format: .json, stream: .standardOutput)
        #expect(warning.accessLogWriter() == nil)
    }

    @Test func keysAreSortedAsHandlersSortThem() {
        #expect(AccessLogEntry.keys == AccessLogEntry.keys.sorted())
        #expect(AccessLogEntry.keys.count == Self.full.values.count)
    }

    @Test func timestampIsFoundationsISO8601() {
        for seconds in [0, 951_782_400, 1_795_000_000, 4_102_444_799] {
            for milliseconds in [0, 7, 999] {
                var writer = JSONWriter()
                LogTimestamp.write(seconds: seconds, milliseconds: milliseconds, to: &writer)
                let bytes = writer.finish()
                let date = Date(timeIntervalSince1970: Double(seconds) + Double(milliseconds) / 1000 + 0.0001)
                let foundation = date.formatted(
                    .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(
                        separator: .omitted))
                #expect(String(decoding: bytes, as: UTF8.self) == foundation)
            }
        }
    }

    @Test func digitsArePaddedToTheWidthAndNeverCut() {
        for (value, width, text) in [
            (0, 1, "0"), (7, 3, "007"), (999, 3, "999"), (1234, 3, "1234"), (2026, 4, "2026"), (5, 2, "05"),
            (1_000_000, 1, "1000000"), (Int.max, 1, "9223372036854775807"), (42, 19, "0000000000000000042"),
        ] {
            let written = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1 + ByteCursor.digitsBound) { bytes in
                var cursor = ByteCursor(bytes)
                cursor.put(UInt8(ascii: "x"))
                cursor.putDigits(value, width: width)
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<cursor.count]), as: UTF8.self)
            }
            #expect(written == "x" + text)
        }
    }
}
