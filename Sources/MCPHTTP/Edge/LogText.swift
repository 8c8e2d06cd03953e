import MCPCore

/// Untrusted header values, shortened and escaped for a log line.
enum LogText {
    static func clip(_ text: String, limit: Int = 200) -> String {
        LogSafe.escape(LogSafe.clip(text, to: limit))
    }
}
