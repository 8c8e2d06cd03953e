/// Writes compact JSON (no whitespace, no raw newlines) into a byte buffer.
///
/// Compact output matters: stdio frames messages by newline, and SSE `data:` lines must not
/// break. Non-ASCII text is written as UTF-8; control characters are escaped.
package struct JSONWriter: ~Copyable {
    /// The bytes written (the first ``count``), then room for more. A run of bytes is one
    /// capacity check and a copy; `Array.append(contentsOf:)` cost about 90 instructions a call
    /// whatever the length, and an answer appends some twenty strings. Not copyable, so the
    /// buffer has one owner and needs no uniqueness check.
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// How many bytes have been written.
    package private(set) var count = 0

    /// An empty writer with room for `capacity` bytes.
    package init(capacity: Int = 256) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The JSON written so far, as UTF-8.
    package var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The JSON written, as UTF-8; the writer's last use.
    package consuming func finish() -> [UInt8] { bytes }

    /// Compact JSON text of `value`.
    package static func string(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.write(value)
        return String(decoding: UnsafeBufferPointer(start: writer.base, count: writer.count), as: UTF8.self)
    }

    /// Compact JSON bytes of `value`.
    package static func bytes(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.write(value)
        return writer.finish()
    }

    /// Appends one byte that is already JSON.
    @inline(__always)
    package mutating func writeByte(_ byte: UInt8) {
        if count == capacity { makeRoom(for: 1) }
        base[count] = byte
        count += 1
    }

    /// Appends bytes that are already JSON.
    @inline(__always)
    package mutating func writeRaw(_ run: UnsafeBufferPointer<UInt8>) {
        guard let source = run.baseAddress else { return }
        let length = run.count
        if capacity - count < length { makeRoom(for: length) }
        (base + count).update(from: source, count: length)
        count += length
    }

    /// Makes room for `length` more bytes: at least twice the room there was.
    @inline(never)
    private mutating func makeRoom(for length: Int) {
        capacity = Swift.max(count + length, 2 * capacity)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        larger.initialize(from: base, count: count)
        base.deallocate()
        base = larger
    }

    /// Appends `value` as compact JSON.
    package mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeRaw("null")
        case .bool(let flag): writeRaw(flag ? "true" : "false")
        case .int(let number): writeInt(number)
        case .double(let number): writeDouble(number)
        case .string(let text): writeString(text)
        case .array(let elements):
            writeByte(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { writeByte(UInt8(ascii: ",")) }
                first = false
                write(element)
            }
            writeByte(UInt8(ascii: "]"))
        case .object(let object):
            write(object)
        }
    }

    /// Appends `object` with its keys in order; repeated keys are written as they are.
    package mutating func write(_ object: JSONObject) {
        writeByte(UInt8(ascii: "{"))
        let keys = object.keys
        let values = object.values
        for index in keys.indices {
            if index > 0 { writeByte(UInt8(ascii: ",")) }
            writeString(keys[index])
            writeByte(UInt8(ascii: ":"))
            write(values[index])
        }
        writeByte(UInt8(ascii: "}"))
    }

    /// Appends bytes that are already JSON.
    package mutating func writeRaw(_ text: StaticString) {
        writeRaw(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends bytes that are already JSON.
    package mutating func writeRaw(_ raw: [UInt8]) {
        raw.withUnsafeBufferPointer { writeRaw($0) }
    }

    /// Appends `number` in decimal.
    package mutating func writeInt(_ number: Int) {
        if number >= 0 && number < 10 {
            writeByte(UInt8(ascii: "0") + UInt8(number))
            return
        }
        let digits = DecimalDigits.count(number.magnitude)
        let length = number < 0 ? digits + 1 : digits
        if capacity - count < length { makeRoom(for: length) }
        if number < 0 { base[count] = UInt8(ascii: "-") }
        DecimalDigits.write(number.magnitude, count: digits, to: base + count + length - digits)
        count += length
    }

    /// Finite numbers in Swift's shortest round-trip form; NaN and infinities (which JSON cannot
    /// hold) as `null`.
    package mutating func writeDouble(_ number: Double) {
        guard number.isFinite else {
            writeRaw("null")
            return
        }
        if let whole = Self.wholeNumber(number) {
            writeInt(whole)
            writeRaw(".0")
            return
        }
        var text = number.description
        text.withUTF8 { writeRaw($0) }
    }

    /// The integer a whole `number` of moderate size equals, for which `description` is that
    /// integer's digits and ".0" (`5.0`, `-12.0`); nil for fractions, `-0.0` and magnitudes of
    /// 10^15 and more (written with an exponent past 2^53).
    @inline(__always)
    static func wholeNumber(_ number: Double) -> Int? {
        guard number > -1e15, number < 1e15, number.rounded(.towardZero) == number,
            !(number == 0 && number.sign == .minus)
        else { return nil }
        return Int(number)
    }

    /// Appends `text` as a quoted JSON string, escaping quotes, backslashes and control characters.
    package mutating func writeString(_ text: String) {
        writeByte(UInt8(ascii: "\""))
        Self.scanString(text) { run in
            writeRaw(run)
        } escape: { byte in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.longestEscape) { escape in
                let length = Self.writeEscape(byte, to: escape.baseAddress!)
                writeRaw(UnsafeBufferPointer(rebasing: escape[..<length]))
            }
        }
        writeByte(UInt8(ascii: "\""))
    }

    /// The most bytes one byte of text takes inside a JSON string (`\u001f`).
    package static let longestEscape = 6

    /// Splits the UTF-8 of `text` into runs that go out as they are and bytes that need an
    /// escape, in order (the body of a JSON string, quotes not included).
    @inline(__always)
    package static func scanString(
        _ text: String, run: (UnsafeBufferPointer<UInt8>) -> Void, escape: (UInt8) -> Void
    ) {
        var text = text
        text.withUTF8 { utf8 in
            guard let base = UnsafeRawPointer(utf8.baseAddress) else { return }
            let count = utf8.count
            var runStart = 0
            var index = 0
            while index < count {
                // Eight bytes at a time while none of them needs an escape (nearly all text).
                if count - index >= 8,
                    !Self.mayNeedEscape(base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                {
                    index += 8
                    continue
                }
                let end = Swift.min(index + 8, count)
                while index < end {
                    let byte = utf8[index]
                    index += 1
                    guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                    if runStart < index - 1 { run(UnsafeBufferPointer(rebasing: utf8[runStart..<(index - 1)])) }
                    runStart = index
                    escape(byte)
                }
            }
            if runStart < count { run(UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
    }

    /// Writes the escape of `byte` (a quote, a backslash or a control character) at `out`;
    /// returns its length (at most ``longestEscape``).
    package static func writeEscape(_ byte: UInt8, to out: UnsafeMutablePointer<UInt8>) -> Int {
        func two(_ second: Unicode.Scalar) -> Int {
            out[0] = UInt8(ascii: "\\")
            out[1] = UInt8(ascii: second)
            return 2
        }
        switch byte {
        case UInt8(ascii: "\""): return two("\"")
        case UInt8(ascii: "\\"): return two("\\")
        case 0x0A: return two("n")
        case 0x0D: return two("r")
        case 0x09: return two("t")
        case 0x08: return two("b")
        case 0x0C: return two("f")
        default:
            for (index, character) in "\\u00".utf8.enumerated() { out[index] = character }
            out[4] = hexDigits[Int(byte >> 4)]
            out[5] = hexDigits[Int(byte & 0xF)]
            return 6
        }
    }

    /// True when one of the eight bytes of `word` may be a control character, a quote or a
    /// backslash; never false when one is.
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool { escapeMask(word) != 0 }

    /// The high bit of each byte of `word` (read little-endian, the first byte in memory the
    /// lowest) that is a control character, a quote or a backslash — the bit tricks of "Bit
    /// Twiddling Hacks": a byte below 0x20, or a zero byte after XOR with the quote and the
    /// backslash. A borrow can flag a byte above a flagged one, never one below, so the lowest
    /// bit set is always exact: `trailingZeroBitCount / 8` is the first such byte.
    @inline(__always)
    static func escapeMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let quoteZero = (quote &- ones) & ~quote & highs
        let backslashZero = (backslash &- ones) & ~backslash & highs
        return control | quoteZero | backslashZero
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

extension JSONWriter {
    /// Indented JSON (`indent` spaces per level, `": "` after keys), as files and humans like it.
    package static func pretty(_ value: JSONValue, indent: Int) -> [UInt8] {
        var writer = JSONWriter()
        writer.writePretty(value, indent: indent, level: 0)
        return writer.finish()
    }

    private mutating func writePretty(_ value: JSONValue, indent: Int, level: Int) {
        func newline(_ level: Int) {
            writeByte(UInt8(ascii: "\n"))
            for _ in 0..<(indent * level) { writeByte(UInt8(ascii: " ")) }
        }
        switch value {
        case .array(let elements) where !elements.isEmpty:
            writeByte(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { writeByte(UInt8(ascii: ",")) }
                newline(level + 1)
                writePretty(element, indent: indent, level: level + 1)
            }
            newline(level)
            writeByte(UInt8(ascii: "]"))
        case .object(let object) where !object.isEmpty:
            writeByte(UInt8(ascii: "{"))
            for (index, (key, element)) in zip(object.keys, object.values).enumerated() {
                if index > 0 { writeByte(UInt8(ascii: ",")) }
                newline(level + 1)
                writeString(key)
                writeRaw(": ")
                writePretty(element, indent: indent, level: level + 1)
            }
            newline(level)
            writeByte(UInt8(ascii: "}"))
        default:
            write(value)
        }
    }
}
