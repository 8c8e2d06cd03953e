import Foundation
import Logging
import Testing

@testable import MCPRuntime

@Suite("Console log lines")
struct ConsoleLogHandlerTests {
    struct Refused: Error {}

    func render(
        _ format: LoggingSettings.Format, _ message: String, metadata: Logger.Metadata = [:],
        error: (any Error)? = nil
    ) -> String {
        let handler = ConsoleLogHandler(label: "mcp.test", level: .info, format: format, stream: .standardError)
        var event = LogEvent(
            level: .warning, message: "\(message)", metadata: metadata, source: nil, file: #fileID,
            function: #function, line: #line)
        event.error = error
        return String(decoding: handler.render(event), as: UTF8.self)
    }

    @Test func jsonIsOneParseableObjectPerLine() throws {
        let line = render(.json, "bad input\n{\"level\":\"critical\"}", metadata: ["request.id": "r-1"])
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false, "a newline in the message cannot start a second record")
        let object = try #require(
            JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["message"] as? String == "bad input\n{\"level\":\"critical\"}")
        #expect(object["logger"] as? String == "mcp.test")
        #expect(object["request.id"] as? String == "r-1")
        #expect(object["pid"] as? Int == Int(getpid()))
        #expect(object["timestamp"] is String)
    }

    @Test func metadataNeverShadowsARecordField() throws {
        let line = render(.json, "worker ready", metadata: ["pid": "4242", "level": "fake"])
        #expect(line.components(separatedBy: "\"pid\":").count == 2, "one pid key")
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["pid"] as? Int == Int(getpid()))
        #expect(object["level"] as? String == "warning")
        #expect(object["metadata.pid"] as? String == "4242")
        #expect(object["metadata.level"] as? String == "fake")
    }

    @Test func textEscapesControlCharacters() {
        let line = render(.text, "forged\nWARNING fake line \u{1B}[31mred\u{2028}", metadata: ["path": "a\rb"])
        #expect(line.filter { $0 == "\n" }.count == 1)
        #expect(line.contains("forged\\nWARNING fake line \\u{1b}[31mred\\u{2028}"))
        #expect(line.contains("path=a\\rb"))
        #expect(!line.contains("\u{1B}"))
    }

    @Test func errorsAreLoggedByTypeNotByDescription() throws {
        let line = render(.json, "call failed", error: Refused())
        let object = try #require(
            JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["error.type"] as? String == "Refused")
    }
}

extension ConsoleLogHandlerTests {
    @Test func textValuesCannotFakePairs() {
        let line = render(
            .text, "access", metadata: ["user_agent.original": "curl status=200 admin=true", "ok": "plain"])
        #expect(line.contains(#"user_agent.original="curl status=200 admin=true""#))
        #expect(line.contains(" ok=plain"))
        #expect(ConsoleLogHandler.textValue(#"say "hi" \ there"#) == #""say \"hi\" \\ there""#)
        #expect(ConsoleLogHandler.textValue("") == #""""#)
        #expect(ConsoleLogHandler.textValue("a=b") == #""a=b""#)
    }
}
