/// Sizes of encodings, computed without building them: a result or a file is checked against
/// its limit before (not after) the bytes exist, so an oversized answer never takes memory.
extension JSONWriter {
    /// The exact byte length of `value`'s compact encoding, or nil when it is longer than `limit`
    /// (the walk stops as soon as it passes the limit).
    package static func encodedLength(of value: JSONValue, limit: Int) -> Int? {
        var counter = LengthCounter(limit: limit, indent: nil)
        counter.add(value, level: 0)
        return counter.exceeded ? nil : counter.total
    }

    /// Whether `value`'s compact encoding is at most `limit` bytes long. A first walk counts
    /// each string at its longest (every byte escaped as `\u00XX`) without reading its bytes,
    /// and settles nearly every answer, which is far below its limit; only a value that might
    /// not fit is measured exactly.
    package static func fits(_ value: JSONValue, within limit: Int) -> Bool {
        var bound = LengthCounter(limit: limit, indent: nil, stringsAtLongest: true)
        bound.add(value, level: 0)
        return !bound.exceeded || encodedLength(of: value, limit: limit) != nil
    }

    /// The exact byte length of `value` written by ``pretty(_:indent:)``, or nil beyond `limit`.
    package static func prettyLength(of value: JSONValue, indent: Int, limit: Int) -> Int? {
        var counter = LengthCounter(limit: limit, indent: indent)
        counter.add(value, level: 0)
        return counter.exceeded ? nil : counter.total
    }

    /// ``pretty(_:indent:)``, or nil when the text would be longer than `limit` bytes (nothing
    /// is built then).
    package static func pretty(_ value: JSONValue, indent: Int, limit: Int) -> [UInt8]? {
        guard prettyLength(of: value, indent: indent, limit: limit) != nil else { return nil }
        return pretty(value, indent: indent)
    }

    /// The byte length of `text` as a JSON string, quotes and escapes included.
    static func encodedLength(of text: String) -> Int {
        // Over the contiguous bytes when the string has them (native strings do), as the writer
        // reads them: iterating `utf8` costs several times more per byte.
        text.utf8.withContiguousStorageIfAvailable(encodedLength(ofContiguous:)) ?? encodedLength(of: text.utf8)
    }

    /// Eight bytes at a time while none needs an escape, as ``writeString(_:)`` scans.
    private static func encodedLength(ofContiguous utf8: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = UnsafeRawPointer(utf8.baseAddress) else { return 2 }
        var length = 2
        var index = 0
        while utf8.count - index >= 8 {
            guard mayNeedEscape(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) else {
                index += 8
                length += 8
                continue
            }
            length += encodedLength(of: UnsafeBufferPointer(rebasing: utf8[index..<(index + 8)])) - 2
            index += 8
        }
        return length + encodedLength(of: UnsafeBufferPointer(rebasing: utf8[index...])) - 2
    }

    private static func encodedLength(of utf8: some Sequence<UInt8>) -> Int {
        var length = 2
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09, 0x08, 0x0C: length += 2
            case 0..<0x20: length += 6
            default: length += 1
            }
        }
        return length
    }
}

/// Adds up an encoding's length, stopping once it passes the limit.
private struct LengthCounter {
    let limit: Int
    /// Spaces per level for the pretty form; nil for compact.
    let indent: Int?
    /// Counts each string as if every byte needed a six-byte escape: an upper bound, without
    /// reading the bytes.
    var stringsAtLongest = false
    var total = 0
    var exceeded = false

    mutating func count(_ bytes: Int) {
        total += bytes
        if total > limit { exceeded = true }
    }

    mutating func add(_ value: JSONValue, level: Int) {
        guard !exceeded else { return }
        switch value {
        case .null: count(4)
        case .bool(let flag): count(flag ? 4 : 5)
        case .int(let number): count(Self.digits(number))
        case .double(let number):
            if let whole = JSONWriter.wholeNumber(number) {
                count(Self.digits(whole) + 2)
            } else {
                count(number.isFinite ? number.description.utf8.count : 4)
            }
        case .string(let text): addString(text)
        case .array(let elements):
            guard !elements.isEmpty else { return count(2) }
            count(2 + (elements.count - 1))
            for element in elements {
                newline(level + 1)
                add(element, level: level + 1)
                if exceeded { return }
            }
            newline(level)
        case .object(let object):
            guard !object.isEmpty else { return count(2) }
            count(2 + (object.count - 1) + object.count * (indent == nil ? 1 : 2))
            for (key, element) in zip(object.keys, object.values) {
                newline(level + 1)
                addString(key)
                add(element, level: level + 1)
                if exceeded { return }
            }
            newline(level)
        }
    }

    mutating func newline(_ level: Int) {
        guard let indent else { return }
        count(1 + indent * level)
    }

    mutating func addString(_ text: String) {
        if stringsAtLongest { return count(6 * text.utf8.count + 2) }
        // A string longer than what is left cannot fit, whatever its escapes: skip the scan.
        if text.utf8.count + 2 > limit - total {
            count(text.utf8.count + 2)
            return
        }
        count(JSONWriter.encodedLength(of: text))
    }

    static func digits(_ number: Int) -> Int {
        DecimalDigits.count(number.magnitude) + (number < 0 ? 1 : 0)
    }
}
