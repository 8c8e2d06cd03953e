import MCPCore
import Testing

/// Untrusted text in a log line: what could forge a line or drive a terminal is escaped, the rest
/// is left as it is.
@Suite("Log-safe text")
struct LogSafeTests {
    @Test(arguments: [
        "", "/mcp", "Mozilla/5.0 (X11; Linux x86_64) python-httpx/0.28", "café", "数据", "a b~", "😀",
        String(repeating: "x", count: 300),
    ])
    func printableTextIsLeftAsItIs(_ text: String) {
        #expect(LogSafe.escape(text) == text)
    }

    @Test(arguments: [
        ("a\nb", "a\\nb"), ("\r", "\\r"), ("\t", "\\t"), ("\u{1B}[31mred", "\\u{1b}[31mred"), ("\u{7F}", "\\u{7f}"),
        ("\u{85}", "\\u{85}"), ("x\u{2028}y", "x\\u{2028}y"), ("\u{2029}", "\\u{2029}"), ("\u{0}", "\\u{0}"),
        (String(repeating: "x", count: 40) + "\n", String(repeating: "x", count: 40) + "\\n"),
    ])
    func controlsAndSeparatorsAreEscaped(_ text: String, _ escaped: String) {
        #expect(LogSafe.escape(text) == escaped)
    }
}
