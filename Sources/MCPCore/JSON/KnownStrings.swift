/// Strings nearly every MCP message carries — envelope keys, method names, the `_meta` keys of
/// the 2026-07-28 era, revision dates — as literals. The parser hands out these instead of
/// building a new string for each occurrence: no UTF-8 check, and no heap storage for the long
/// `_meta` keys (more than 15 bytes), which every stateless request repeats. The length picks
/// the few candidates; a literal is compared eight bytes at a time and returned as it is
/// (string literals live in the binary: no allocation, no reference counting).
enum KnownStrings {
    /// The known string whose UTF-8 is exactly `bytes`, or nil.
    static func match(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard let base = bytes.baseAddress else { return nil }
        @inline(__always) func its(_ literal: StaticString) -> Bool {
            literal.utf8CodeUnitCount == bytes.count && equal(literal.utf8Start, base, bytes.count)
        }
        switch bytes.count {
        case 2: if its("id") { return "id" }
        case 3:
            if its("2.0") { return "2.0" }
            if its("uri") { return "uri" }
        case 4:
            if its("name") { return "name" }
            if its("type") { return "type" }
            if its("text") { return "text" }
            if its("ping") { return "ping" }
        case 5: if its("_meta") { return "_meta" }
        case 6:
            if its("method") { return "method" }
            if its("params") { return "params" }
            if its("result") { return "result" }
            if its("cursor") { return "cursor" }
        case 7: if its("jsonrpc") { return "jsonrpc" }
        case 9: if its("arguments") { return "arguments" }
        case 10:
            if its("2026-07-28") { return "2026-07-28" }
            if its("2025-11-25") { return "2025-11-25" }
            if its("2025-06-18") { return "2025-06-18" }
            if its("2025-03-26") { return "2025-03-26" }
            if its("2024-11-05") { return "2024-11-05" }
            if its("tools/call") { return "tools/call" }
            if its("tools/list") { return "tools/list" }
            if its("initialize") { return "initialize" }
        case 11: if its("prompts/get") { return "prompts/get" }
        case 12: if its("prompts/list") { return "prompts/list" }
        case 13: if its("progressToken") { return "progressToken" }
        case 14:
            if its("resources/read") { return "resources/read" }
            if its("resources/list") { return "resources/list" }
        case 15: if its("protocolVersion") { return "protocolVersion" }
        case 32: if its("io.modelcontextprotocol/logLevel") { return "io.modelcontextprotocol/logLevel" }
        case 34: if its("io.modelcontextprotocol/clientInfo") { return "io.modelcontextprotocol/clientInfo" }
        case 39: if its("io.modelcontextprotocol/protocolVersion") { return "io.modelcontextprotocol/protocolVersion" }
        case 42:
            if its("io.modelcontextprotocol/clientCapabilities") {
                return "io.modelcontextprotocol/clientCapabilities"
            }
        default: return nil
        }
        return nil
    }

    /// Whether `count` bytes at `left` and `right` are the same, eight at a time.
    @inline(__always)
    private static func equal(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, _ count: Int) -> Bool {
        var offset = 0
        while count - offset >= 8 {
            guard
                left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    == right.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            else { return false }
            offset += 8
        }
        while offset < count {
            guard
                left.load(fromByteOffset: offset, as: UInt8.self) == right.load(fromByteOffset: offset, as: UInt8.self)
            else { return false }
            offset += 1
        }
        return true
    }
}
