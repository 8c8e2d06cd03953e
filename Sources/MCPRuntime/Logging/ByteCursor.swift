import MCPCore

/// Writes bytes one after another into memory the caller sized for them: the access line's
/// renderer, which knows an upper bound of its line before writing it, so every piece is a
/// plain copy instead of an `Array.append` (a uniqueness and a capacity check, about 90
/// instructions a call, some 20 calls a line). Writing past `capacity` stops the process
/// instead of overwriting memory.
struct ByteCursor {
    let start: UnsafeMutablePointer<UInt8>
    let capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        start = buffer.baseAddress!
        capacity = buffer.count
    }

    /// The next `length` bytes, which the caller fills.
    private mutating func claim(_ length: Int) -> UnsafeMutablePointer<UInt8> {
        precondition(length <= capacity - count, "ByteCursor: writing past the bound its buffer was sized to")
        defer { count += length }
        return start + count
    }

    mutating func put(_ byte: UInt8) {
        claim(1).pointee = byte
    }

    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        claim(bytes.count).update(from: base, count: bytes.count)
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
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: JSONWriter.longestEscape) { escape in
                let length = JSONWriter.writeEscape(byte, to: escape.baseAddress!)
                put(UnsafeBufferPointer(rebasing: escape[..<length]))
            }
        }
        put(UInt8(ascii: "\""))
    }

    /// The most bytes ``putJSONString(_:)`` writes for `text`.
    static func stringBound(_ text: String) -> Int {
        text.utf8.count * JSONWriter.longestEscape + 2
    }

    /// `value` (≥ 0) in decimal, left-padded with zeros to `width` digits (at most 19); takes at
    /// most ``digitsBound`` bytes.
    mutating func putDigits(_ value: Int, width: Int) {
        if width == 2 && value >= 0 && value < 100 {
            // Month, day, hours, minutes, seconds.
            let digits = claim(2)
            digits[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10)
            digits[1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
            return
        }
        let magnitude = UInt(clamping: value)
        let length = DecimalDigits.count(magnitude, width: Swift.min(width, Self.digitsBound))
        DecimalDigits.write(magnitude, count: length, to: claim(length))
    }

    /// The most bytes ``putDigits(_:width:)`` writes.
    static let digitsBound = 19
}
