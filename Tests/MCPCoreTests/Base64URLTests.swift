import MCPCore
import Testing

@Suite("Base64URL")
struct Base64URLTests {
    @Test func roundTripsEveryLength() {
        for count in 0..<40 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    /// One byte string, one spelling: a session id whose last character is changed within
    /// the bits the encoding leaves unused must not open as the same session.
    @Test func refusesNonCanonicalText() {
        // 16 bytes end in a character carrying 2 bits; its 4 unused bits must be zero.
        let canonical = Base64URL.encode([UInt8](repeating: 0xFF, count: 16))
        #expect(canonical.hasSuffix("w"))
        #expect(Base64URL.decode(String(canonical.dropLast()) + "x") == nil)
        #expect(Base64URL.decode(String(canonical.dropLast()) + "/") == nil)
        // 2 bytes end in a character carrying 4 bits; 2 unused.
        #expect(Base64URL.decode("AAA") == [0, 0])
        #expect(Base64URL.decode("AAB") == nil)
        // A length that leaves 6 bits over is never a whole number of bytes.
        #expect(Base64URL.decode("AAAAA") == nil)
        #expect(Base64URL.decode("AA==") == nil)
    }
}
