/// Why a JSON text was rejected.
package struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem the parser met.
    package enum Reason: Sendable, Equatable {
        /// The text ended inside a value.
        case unexpectedEnd
        /// A byte that cannot start or continue a value at that point.
        case unexpectedByte(UInt8)
        /// A number that does not follow the JSON grammar (`1.`, `1e`, `-`).
        case invalidNumber
        /// A backslash escape that JSON does not define, or a bad `\u` sequence.
        case invalidEscape
        /// Bytes that are not valid UTF-8.
        case invalidUTF8
        /// Arrays and objects nested deeper than `limit` levels.
        case tooDeep(limit: Int)
        /// Something other than whitespace after the value.
        case trailingData
        /// An integer (no fraction, no exponent) outside the 64-bit range: refused rather than
        /// silently turned into an approximate floating-point number.
        case integerOutOfRange
        /// The parsed value would take more memory than ``JSONParser/memoryFactor`` times its text
        /// (dense tiny objects and arrays cost far more in memory than in text).
        case tooLarge(limit: Int)
    }

    /// What went wrong.
    package let reason: Reason
    /// Byte offset at which the problem was found.
    package let offset: Int

    /// A parse error of `reason` at byte `offset`.
    package init(reason: Reason, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// The problem in words, with its byte offset where it has one.
    package var description: String {
        switch reason {
        case .unexpectedEnd: return "unexpected end of JSON text"
        case .unexpectedByte(let byte):
            let shown =
                (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16))"
            return "unexpected \(shown) at byte \(offset)"
        case .invalidNumber: return "invalid number at byte \(offset)"
        case .invalidEscape: return "invalid string escape at byte \(offset)"
        case .invalidUTF8: return "invalid UTF-8 at byte \(offset)"
        case .tooDeep(let limit): return "JSON nested deeper than \(limit) levels"
        case .trailingData: return "unexpected data after the JSON value at byte \(offset)"
        case .integerOutOfRange:
            return "integer at byte \(offset) is outside the 64-bit range; send it as a string or with an exponent"
        case .tooLarge(let limit):
            return "JSON text too dense: its parsed form would take more than \(limit) bytes of memory"
        }
    }
}

/// A strict RFC 8259 parser: UTF-8 only, no byte-order mark, no trailing data, bounded nesting,
/// and bounded memory: the parsed value may take at most ``memoryFactor`` times the size of its
/// text or ``memoryFloor`` bytes, whichever is more, counted as its arrays grow (before each
/// doubling). Text and ordinary documents (records of a few fields: about 6 times their text)
/// fit; dense tiny values do not: `[{"a":1},…]` takes about 30 times its text and `[0,0,…]` up
/// to 24 times (4 MiB of request used to become 130 MB).
///
/// Written by hand because the protocol core needs what no package in our set offers together:
/// integer/float distinction, ordered keys, a nesting limit that fails fast instead of
/// overflowing the stack, and speed on the request hot path.
package struct JSONParser {
    /// Nesting limit applied when none is given: deep enough for any MCP message.
    package static let defaultMaxDepth = 64
    /// A parsed value may take this many times the bytes of its text ...
    package static let memoryFactor = 8
    /// ... or this many bytes, whichever is more.
    package static let memoryFloor = 4 << 20

    /// Parses one JSON value from `bytes`.
    package static func parse(
        _ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth
    ) throws(JSONParseError)
        -> JSONValue
    {
        let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            parseResult(UnsafeRawBufferPointer(buffer), maxDepth: maxDepth)
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBytes { parseResult($0, maxDepth: maxDepth) }.get()
    }

    /// Parses one JSON value from a string's UTF-8 bytes.
    package static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { parseResult(UnsafeRawBufferPointer($0), maxDepth: maxDepth) }
        return try result.get()
    }

    /// Parses one JSON value from raw bytes (for callers that hold a buffer, such as a request body).
    package static func parse(
        _ buffer: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth
    ) throws(JSONParseError) -> JSONValue {
        try parseResult(buffer, maxDepth: maxDepth).get()
    }

    static func parseResult(_ buffer: UnsafeRawBufferPointer, maxDepth: Int) -> Result<JSONValue, JSONParseError> {
        var parser = Cursor(bytes: buffer, maxDepth: maxDepth)
        parser.budget = max(memoryFloor, buffer.count.multipliedReportingOverflow(by: memoryFactor).partialValue)
        do throws(JSONParseError) {
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            if parser.position != buffer.count {
                throw JSONParseError(reason: .trailingData, offset: parser.position)
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }
}

extension JSONParser {
    fileprivate struct Cursor {
        let bytes: UnsafeRawBufferPointer
        let maxDepth: Int
        var position = 0
        /// Estimated bytes of memory the value may take, and what it takes so far.
        var budget = Int.max
        var spent = 0

        init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return
                }
            }
        }

        func fail(_ reason: JSONParseError.Reason) -> JSONParseError {
            JSONParseError(reason: reason, offset: position)
        }

        /// What storage costs besides its elements: an array's header and the allocator's share.
        static let storageOverhead = 48
        static let valueStride = MemoryLayout<JSONValue>.stride
        static let keyStride = MemoryLayout<String>.stride
        /// Keys a non-empty object has room for before its arrays grow.
        static let initialKeys = 4

        /// Charges the growth of an array of `count` elements stored in `capacity` places, before
        /// it happens: a full array doubles (a new one: its storage and overhead).
        mutating func chargeGrowth(count: Int, capacity: Int, stride: Int) throws(JSONParseError) {
            guard count == capacity else { return }
            try charge(capacity == 0 ? stride + Self.storageOverhead : capacity * stride)
        }

        mutating func charge(_ bytes: Int) throws(JSONParseError) {
            spent += bytes
            if spent > budget { throw fail(.tooLarge(limit: budget)) }
        }

        func peek() throws(JSONParseError) -> UInt8 {
            guard position < bytes.count else { throw fail(.unexpectedEnd) }
            return bytes[position]
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
            let byte = try peek()
            switch byte {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw fail(.unexpectedByte(byte))
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw fail(.unexpectedEnd) }
            let start = literal.utf8Start
            for offset in 0..<count where bytes[position + offset] != start[offset] {
                position += offset
                throw fail(.unexpectedByte(bytes[position]))
            }
            position += count
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth <= maxDepth else { throw fail(.tooDeep(limit: maxDepth)) }
            position += 1
            skipWhitespace()
            if try peek() == UInt8(ascii: "}") {
                position += 1
                return .object(JSONObject())
            }
            // Room for the first keys at once: objects in MCP messages are small, and growing two
            // arrays one key at a time was a third of the allocations of parsing a request.
            try charge(2 * Self.storageOverhead + Self.initialKeys * (Self.keyStride + Self.valueStride))
            var object = JSONObject(minimumCapacity: Self.initialKeys)
            while true {
                skipWhitespace()
                let byte = try peek()
                guard byte == UInt8(ascii: "\"") else { throw fail(.unexpectedByte(byte)) }
                try chargeGrowth(count: object.count, capacity: object.keys.capacity, stride: Self.keyStride)
                try chargeGrowth(count: object.count, capacity: object.values.capacity, stride: Self.valueStride)
                let key = try parseString()
                skipWhitespace()
                let colon = try peek()
                guard colon == UInt8(ascii: ":") else { throw fail(.unexpectedByte(colon)) }
                position += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                object.append(key, value)
                skipWhitespace()
                let next = try peek()
                position += 1
                if next == UInt8(ascii: ",") { continue }
                if next == UInt8(ascii: "}") { return .object(object) }
                position -= 1
                throw fail(.unexpectedByte(next))
            }
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth <= maxDepth else { throw fail(.tooDeep(limit: maxDepth)) }
            position += 1
            var array: [JSONValue] = []
            skipWhitespace()
            if try peek() == UInt8(ascii: "]") {
                position += 1
                return .array(array)
            }
            while true {
                skipWhitespace()
                try chargeGrowth(count: array.count, capacity: array.capacity, stride: Self.valueStride)
                array.append(try parseValue(depth: depth))
                skipWhitespace()
                let next = try peek()
                position += 1
                if next == UInt8(ascii: ",") { continue }
                if next == UInt8(ascii: "]") { return .array(array) }
                position -= 1
                throw fail(.unexpectedByte(next))
            }
        }

        /// Parses a string starting at its opening quote.
        mutating func parseString() throws(JSONParseError) -> String {
            let string = try parseStringText()
            // Up to 15 bytes of UTF-8 live inside the value; longer ones take heap storage.
            if string.utf8.count > 15 { try charge(32 + string.utf8.count) }
            return string
        }

        mutating func parseStringText() throws(JSONParseError) -> String {
            position += 1
            let start = position
            var sawNonASCII = false
            // Fast path: no escapes. Eight bytes at a time while none of them is a quote, a
            // backslash or a control character (the writer's word test); in a word that holds
            // one, the test's lowest bit says which byte it is. The last bytes of the text
            // (fewer than eight) go byte by byte.
            scan: while position < bytes.count {
                if bytes.count - position >= 8 {
                    // In little-endian order whatever the machine's, so the first byte is the lowest.
                    let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
                    let special = JSONWriter.escapeMask(word)
                    if special == 0 {
                        if word & 0x8080_8080_8080_8080 != 0 { sawNonASCII = true }
                        position += 8
                        continue
                    }
                    let offset = special.trailingZeroBitCount / 8
                    let before = offset == 0 ? 0 : UInt64.max >> (64 - 8 * offset)
                    if word & before & 0x8080_8080_8080_8080 != 0 { sawNonASCII = true }
                    // At the byte the test found: the loop below ends the text there.
                    position += offset
                }
                while position < bytes.count {
                    let byte = bytes[position]
                    if byte == UInt8(ascii: "\"") {
                        let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
                        position += 1
                        return try makeString(slice, validate: sawNonASCII, at: start)
                    }
                    if byte == UInt8(ascii: "\\") { break scan }
                    if byte < 0x20 { throw fail(.unexpectedByte(byte)) }
                    if byte >= 0x80 { sawNonASCII = true }
                    position += 1
                }
            }
            guard position < bytes.count else { throw fail(.unexpectedEnd) }
            // Slow path: decode escapes into a byte buffer.
            var decoded: [UInt8] = []
            decoded.reserveCapacity(position - start + 16)
            decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
            while true {
                guard position < bytes.count else { throw fail(.unexpectedEnd) }
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    let result = decoded.withUnsafeBytes { buffer in
                        Result { () throws(JSONParseError) in try makeString(buffer, validate: sawNonASCII, at: start) }
                    }
                    return try result.get()
                case UInt8(ascii: "\\"):
                    position += 1
                    try decodeEscape(into: &decoded)
                case 0..<0x20:
                    throw fail(.unexpectedByte(byte))
                default:
                    if byte >= 0x80 { sawNonASCII = true }
                    decoded.append(byte)
                    position += 1
                }
            }
        }

        func makeString(
            _ slice: UnsafeRawBufferPointer, validate: Bool, at start: Int
        ) throws(JSONParseError)
            -> String
        {
            if !validate { return KnownStrings.match(slice) ?? String(decoding: slice, as: UTF8.self) }
            guard let string = String(validating: slice, as: UTF8.self) else {
                throw JSONParseError(reason: .invalidUTF8, offset: start)
            }
            return string
        }

        mutating func decodeEscape(into output: inout [UInt8]) throws(JSONParseError) {
            let byte = try peek()
            position += 1
            switch byte {
            case UInt8(ascii: "\""): output.append(0x22)
            case UInt8(ascii: "\\"): output.append(0x5C)
            case UInt8(ascii: "/"): output.append(0x2F)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate; a lone one
                    // becomes U+FFFD, the same way every time.
                    if position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
                        bytes[position + 1] == UInt8(ascii: "u")
                    {
                        let save = position
                        position += 2
                        let low = try readHex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            position = save
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                output.append(contentsOf: UTF8.encode(unicode)!)
            default:
                position -= 1
                throw fail(.invalidEscape)
            }
        }

        mutating func readHex4() throws(JSONParseError) -> UInt32 {
            guard position + 4 <= bytes.count else { throw fail(.unexpectedEnd) }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail(.invalidEscape)
                }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return value
        }

        mutating func parseNumber() throws(JSONParseError) -> JSONValue {
            let start = position
            var negative = false
            if bytes[position] == UInt8(ascii: "-") {
                negative = true
                position += 1
            }
            guard position < bytes.count else { throw fail(.unexpectedEnd) }
            // Integer part: 0 or [1-9][0-9]*, accumulated as a negative number so that
            // Int.min fits too.
            var integer: Int = 0
            var overflow = false
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
            } else if isDigit(bytes[position]) {
                while position < bytes.count, isDigit(bytes[position]) {
                    let digit = Int(bytes[position] - UInt8(ascii: "0"))
                    let (times10, o1) = integer.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times10.subtractingReportingOverflow(digit)
                    overflow = overflow || o1 || o2
                    integer = sum
                    position += 1
                }
            } else {
                throw fail(.invalidNumber)
            }
            var isInteger = true
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                isInteger = false
                position += 1
                guard position < bytes.count, isDigit(bytes[position]) else { throw fail(.invalidNumber) }
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                isInteger = false
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")
                {
                    position += 1
                }
                guard position < bytes.count, isDigit(bytes[position]) else { throw fail(.invalidNumber) }
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            if isInteger {
                guard !overflow, negative || integer != Int.min else {
                    position = start
                    throw fail(.integerOutOfRange)
                }
                return .int(negative ? integer : -integer)
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            guard let double = Double(text), double.isFinite else {
                position = start
                throw fail(.invalidNumber)
            }
            return .double(double)
        }

        @inline(__always) func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }
    }
}
