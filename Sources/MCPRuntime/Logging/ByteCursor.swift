import MCPCore

/// Writes bytes one after another into memory the caller sized for them: the access line's
/// renderer, which knows an upper bound of its line before writing it, so every piece is a
/// plain copy instead of an `Array.append` (a uniqueness and a capacity check, about 90
/// instructions a call, some 20 calls a line).
struct ByteCursor {
    let start: UnsafeMutablePointer<UInt8>
    /// Bytes written so far.
    private(set) var count = 0

    init(_ start: UnsafeMutablePointer<UInt8>) {
        self.start = start
    }

    mutating func put(_ byte: UInt8) {
        start[count] = byte
        count += 1
    }

    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        (start + count).update(from: base, count: bytes.count)
        count += bytes.count
    }

    mutating func put(_ text: StaticString) {
        put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// `text` as a quoted JSON string, escaped as ``JSONWriter`` escapes it; takes at most
    /// ``stringBound(_:)`` bytes.
    mutating func putJSONString(_ text: String) {
        put(UInt8(ascii: "\""))
        JSONWriter.scanString(text) { run in
            put(run)
        } escape: { byte in
            count += JSONWriter.writeEscape(byte, to: start + count)
        }
        put(UInt8(ascii: "\""))
    }

    /// The most bytes ``putJSONString(_:)`` writes for `text`.
    static func stringBound(_ text: String) -> Int {
        text.utf8.count * JSONWriter.longestEscape + 2
    }

    /// `value` (≥ 0) in decimal, left-padded with zeros to `width` digits (at most 19).
    mutating func putDigits(_ value: Int, width: Int) {
        count = LogTimestamp.write(value, width: width, to: start, at: count)
    }

    /// The most bytes ``putDigits(_:width:)`` writes.
    static let digitsBound = 19
}
