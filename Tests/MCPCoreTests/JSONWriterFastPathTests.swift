import Testing

@testable import MCPCore

/// The writer's and the parser's shortcuts (eight bytes at a time, whole numbers, strings every
/// message repeats) must give exactly what the plain, byte-by-byte way gives.
@Suite("JSON fast paths")
struct JSONWriterFastPathTests {
    /// The escaping the writer promises, one scalar at a time.
    static func reference(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u00" + String(repeating: "0", count: 2 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Every character that needs an escape (and some that look close: DEL, `/`, `!`, `#`,
    /// `[`, `]`, non-ASCII) at every offset across two eight-byte words, in strings of every
    /// length up to 40.
    static var samples: [String] {
        let specials: [String] = [
            "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}", "\u{01}", "\u{1F}", "\u{7F}", "/", "!", "#",
            "[", "]", "é", "😀", " ",
        ]
        var samples = (0...40).map { String(repeating: "a", count: $0) }
        for special in specials {
            for offset in 0..<18 {
                samples.append(
                    String(repeating: "x", count: offset) + special + String(repeating: "y", count: 17 - offset))
            }
            samples.append(String(repeating: special, count: 9))
        }
        return samples
    }

    @Test func stringsAreEscapedAsOneCharacterAtATimeWould() {
        for sample in Self.samples {
            #expect(JSONWriter.string(.string(sample)) == Self.reference(sample), "\(Array(sample.utf8))")
            let length = JSONWriter.bytes(.string(sample)).count
            #expect(JSONWriter.encodedLength(of: .string(sample), limit: length) == length)
            #expect(JSONWriter.encodedLength(of: .string(sample), limit: length - 1) == nil)
            #expect(JSONWriter.fits(["k": .string(sample)], within: length + 6))
            #expect(!JSONWriter.fits(["k": .string(sample)], within: length + 5))
        }
    }

    @Test func stringsParseBackToThemselves() throws {
        for sample in Self.samples {
            #expect(
                try JSONParser.parse(JSONWriter.string(.string(sample))) == .string(sample), "\(Array(sample.utf8))")
        }
    }

    /// Raw bytes the parser must refuse (control characters, invalid UTF-8) or read (a valid
    /// two-byte character) at every offset across three eight-byte words of a string.
    @Test func theParserSeesEveryByteInsideWordsItSkips() throws {
        for offset in 0..<24 {
            func text(_ inner: [UInt8]) -> [UInt8] {
                [UInt8(ascii: "\"")] + Array(repeating: UInt8(ascii: "x"), count: offset) + inner
                    + Array(repeating: UInt8(ascii: "y"), count: 23 - offset) + [UInt8(ascii: "\"")]
            }
            for refused: [UInt8] in [[0x00], [0x0A], [0x1F], [0xFF], [0xC0, 0xAF], [0xE9]] {
                #expect(throws: JSONParseError.self, "\(refused) at \(offset)") { try JSONParser.parse(text(refused)) }
            }
            let parsed = try JSONParser.parse(text(Array("é".utf8)))
            #expect(parsed.stringValue?.utf8.count == 25, "é at \(offset)")
            #expect(parsed.stringValue?.contains("é") == true)
        }
    }

    @Test func theWordTestFindsEveryByteThatNeedsAnEscape() {
        for byte in UInt8.min...UInt8.max {
            let needs = byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            for position in 0..<8 {
                var word = UInt64(0x6161_6161_6161_6161)  // "aaaaaaaa"
                word &= ~(UInt64(0xFF) << (8 * position))
                word |= UInt64(byte) << (8 * position)
                if needs { #expect(JSONWriter.mayNeedEscape(word), "byte \(byte) at \(position)") }
            }
            let alone = UInt64(byte) &* 0x0101_0101_0101_0101
            #expect(JSONWriter.mayNeedEscape(alone) == needs, "byte \(byte) in every position")
        }
    }

    /// The lowest bit of the mask is the first byte that needs an escape, whatever the bytes
    /// around it (the parser jumps straight to it).
    @Test func theMasksLowestBitIsTheFirstSpecialByte() {
        let specials: [UInt8] = [0x00, 0x01, 0x0A, 0x1F, UInt8(ascii: "\""), UInt8(ascii: "\\")]
        let fillers: [UInt8] = [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x61, 0x7F, 0x80, 0x9F, 0xA0, 0xC3, 0xDC, 0xFF]
        var generator = SystemRandomNumberGenerator()
        for first in 0..<8 {
            for special in specials {
                for _ in 0..<200 {
                    var bytes = (0..<8).map { _ in fillers.randomElement(using: &generator)! }
                    bytes[first] = special
                    // Anything after the first special byte, special or not.
                    for later in (first + 1)..<8 where Bool.random(using: &generator) {
                        bytes[later] = specials.randomElement(using: &generator)!
                    }
                    let word = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }
                    #expect(JSONWriter.escapeMask(word).trailingZeroBitCount / 8 == first, "\(bytes)")
                }
            }
        }
        for filler in fillers {
            #expect(JSONWriter.escapeMask(UInt64(filler) &* 0x0101_0101_0101_0101) == 0, "\(filler)")
        }
    }

    static let doubles: [Double] = [
        0, -0.0, 1, -1, 5, 2.5, -2.5, 10, 99, 100, 123_456, -987_654_321, 1e14, 1e15 - 1, -(1e15 - 1), 1e15, -1e15,
        1e16, 9_007_199_254_740_992, 0.1, 1e-7, 3.14159, 4_503_599_627_370_495.5, 1e300, -1e-300,
        Double(Int32.max), Double(Int32.min),
    ]

    @Test(arguments: doubles)
    func doublesAreWrittenAsTheirDescription(_ number: Double) {
        #expect(JSONWriter.string(.double(number)) == number.description)
        let length = number.description.utf8.count
        #expect(JSONWriter.encodedLength(of: .double(number), limit: length) == length)
        #expect(JSONWriter.encodedLength(of: .double(number), limit: length - 1) == nil)
    }

    @Test(arguments: [0, 7, 9, 10, -1, -9, -10, 12_345, -98_765, Int.max, Int.min, Int(Int32.max), 1_000_000])
    func integersAreWrittenAsTheirDescription(_ number: Int) {
        #expect(JSONWriter.string(.int(number)) == number.description)
        #expect(JSONWriter.encodedLength(of: .int(number), limit: 64) == number.description.utf8.count)
    }

    /// The writer's own room: growing from any reserved size, through every kind of write, gives
    /// the bytes an `Array` would hold.
    @Test(arguments: [0, 1, 5, 64])
    func theBufferGrowsAsAnArrayWould(_ capacity: Int) {
        var writer = JSONWriter(capacity: capacity)
        var expected: [UInt8] = []
        for round in 0..<200 {
            switch round % 5 {
            case 0:
                writer.writeByte(UInt8(ascii: "["))
                expected.append(UInt8(ascii: "["))
            case 1:
                let text = String(repeating: "é\"x", count: round % 17)
                writer.writeString(text)
                expected += Array(Self.reference(text).utf8)
            case 2:
                writer.writeInt(-round * 1_000_003)
                expected += Array(String(-round * 1_000_003).utf8)
            case 3:
                writer.writeRaw([UInt8](repeating: UInt8(ascii: " "), count: round))
                expected += [UInt8](repeating: UInt8(ascii: " "), count: round)
            default:
                writer.writeRaw(",")
                expected.append(UInt8(ascii: ","))
            }
            #expect(writer.count == expected.count)
        }
        #expect(writer.bytes == expected)
        writer.writeRaw("tail")
        #expect(writer.finish() == expected + Array("tail".utf8))
        #expect(JSONWriter(capacity: capacity).finish() == [])
    }

    @Test func knownStringsParseToTheSameTextAndNearMissesDoNot() throws {
        let keys = [
            "jsonrpc", "id", "method", "params", "_meta", "io.modelcontextprotocol/protocolVersion",
            "io.modelcontextprotocol/clientCapabilities", "2026-07-28", "tools/call",
            // Same length and the same first and last byte as a known one, one byte apart.
            "io.modelcontextprotocol/protocolVersiom", "io.modelcontextprotocoI/protocolVersion", "jsonrpx",
            "methox", "2026-07-29", "tools/calm", "tools/list", "a", "",
        ]
        for key in keys {
            let parsed = try JSONParser.parse(JSONWriter.string([key: .string(key)]))
            #expect(parsed.objectValue?.keys == [key])
            #expect(parsed[key]?.stringValue == key)
        }
        #expect(KnownStrings.match(UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
        // Every revision and every `_meta` key of the envelope is among them (else each
        // request pays for building it again).
        let envelopeKeys = [
            Envelope.protocolVersionKey, Envelope.clientCapabilitiesKey, Envelope.clientInfoKey, Envelope.logLevelKey,
        ]
        for text in ProtocolVersion.allCases.map(\.rawValue) + envelopeKeys {
            var text = text
            #expect(text.withUTF8 { KnownStrings.match(UnsafeRawBufferPointer($0)) } == text)
        }
    }
}

/// A cached result is sent in pieces (envelope head, the shared result, `}`); joined, they are
/// the message `bytes` gives.
@Suite("Shared results")
struct SharedResultReplyTests {
    @Test(arguments: [JSONRPCID.int(7), .string("req-\"1\""), .int(-1)])
    func piecesJoinToTheWholeMessage(_ id: JSONRPCID) throws {
        let result = JSONWriter.bytes(["tools": [["name": "add"]]])
        let reply = Reply(id: id, sharedResult: result)
        let pieces = reply.pieces
        var joined = pieces.head + (pieces.shared ?? [])
        joined += UnsafeBufferPointer(start: pieces.tail.utf8Start, count: pieces.tail.utf8CodeUnitCount)
        #expect(joined == reply.bytes)
        #expect(reply.bytes == JSONRPCEncoding.result(id: id, resultBytes: result))
        let parsed = try JSONParser.parse(String(decoding: reply.bytes, as: UTF8.self))
        #expect(parsed["id"] == id.json)
        #expect(parsed["result"]?["tools"]?.arrayValue?.count == 1)

        var whole = Reply(bytes: Array("{}".utf8))
        #expect(whole.pieces.head == Array("{}".utf8) && whole.pieces.shared == nil)
        whole.bytes = reply.bytes
        #expect(whole.pieces.head == reply.bytes)
    }
}
