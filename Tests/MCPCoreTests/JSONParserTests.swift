import MCPCore
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    @Test func parsesEveryValueKind() throws {
        let value = try JSONParser.parse(#"{"a":[1,-2,3.5,1e3,true,false,null,"x\n\u00e9\ud83d\ude00"],"b":{}}"#)
        #expect(value["a"] == [1, -2, 3.5, 1000.0, true, false, nil, "x\né😀"])
        #expect(value["b"] == .object([:]))
    }

    @Test func keepsIntegersAndFloatsApart() throws {
        #expect(try JSONParser.parse("1") == .int(1))
        #expect(try JSONParser.parse("1.0") == .double(1.0))
        #expect(try JSONParser.parse("-0") == .int(0))
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .int(Int.min))
        #expect(try JSONParser.parse("1e30") == .double(1e30))
    }

    /// An integer beyond 64 bits is refused, with a message that says so, instead of silently
    /// becoming an approximate floating-point number (an id, a file's content would change).
    @Test(arguments: [
        "18446744073709551616", "9223372036854775808", "-9223372036854775809",
        #"{"id":1e0,"n":[123456789012345678901234567890]}"#,
    ])
    func refusesIntegersBeyondSixtyFourBits(_ text: String) {
        #expect {
            _ = try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONParseError, error.reason == .integerOutOfRange else { return false }
            return error.description.contains("outside the 64-bit range")
        }
    }

    @Test func keepsKeyOrderAndLastDuplicateWins() throws {
        let value = try JSONParser.parse(#"{"z":1,"a":2,"z":3}"#)
        #expect(value.objectValue?.keys == ["z", "a", "z"])
        #expect(value["z"] == .int(3))
    }

    @Test(arguments: [
        "{", #"{"jsonrpc":"2.0","id":1"#, "", "nul", "\u{FEFF}{}", #"{"a":1}garbage"#, #"{"a":1e999999}"#,
        "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\u{01}\"", #""\x""#, "[1 2]", "{,}", "tru",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xC0, 0xAF, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test func replacesLoneSurrogatesConsistently() throws {
        #expect(try JSONParser.parse(#""\ud800""#) == .string("\u{FFFD}"))
        #expect(try JSONParser.parse(#""\udc00x""#) == .string("\u{FFFD}x"))
        #expect(try JSONParser.parse(#""\u0000""#) == .string("\u{0}"))
    }

    @Test func stopsAtTheNestingLimitWithoutOverflowingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError(reason: .tooDeep(limit: 64), offset: 64)) { try JSONParser.parse(deep) }
        let object = String(repeating: #"{"a":"#, count: 50_000) + "1" + String(repeating: "}", count: 50_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(object, maxDepth: 64) }
        let exactly64 = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONParser.parse(exactly64, maxDepth: 64) }
    }

    @Test func roundTripsThroughTheWriter() throws {
        let text = #"{"s":"q\"b\\s\/ \u0001 \t","n":[0,-7,2.5,1e-07],"o":{"k":null}}"#
        let value = try JSONParser.parse(text)
        let written = JSONWriter.string(value)
        #expect(try JSONParser.parse(written) == value)
        #expect(!written.contains("\n"))
        #expect(written.contains(#"\u0001"#))
    }

    @Test func writesNonFiniteNumbersAsNull() {
        #expect(JSONWriter.string([.double(.infinity), .double(.nan)]) == "[null,null]")
    }

    @Test func prettyPrintsWithTheRequestedIndent() {
        let value: JSONValue = ["a": [1, 2], "b": [:]]
        #expect(
            String(decoding: JSONWriter.pretty(value, indent: 2), as: UTF8.self)
                == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}")
    }

    /// Memory is bounded by the text: dense tiny objects (25 times their text once parsed) are
    /// refused; ordinary JSON of the same size, and long strings, are not.
    @Test func denseValuesAreRefusedOrdinaryOnesAreNot() throws {
        let dense = "[" + Array(repeating: #"{"a":1}"#, count: 200_000).joined(separator: ",") + "]"
        #expect {
            _ = try JSONParser.parse(dense)
        } throws: { error in
            guard let error = error as? JSONParseError, case .tooLarge = error.reason else { return false }
            return error.description.contains("too dense")
        }
        let records =
            "["
            + Array(repeating: #"{"id":123,"name":"Alice Example","active":true}"#, count: 40_000)
            .joined(separator: ",") + "]"
        #expect(try JSONParser.parse(records).arrayValue?.count == 40_000)
        let text = #"{"text":""# + String(repeating: "x", count: 2 << 20) + #""}"#
        #expect(try JSONParser.parse(text)["text"]?.stringValue?.count == 2 << 20)
    }
}
