import MCPPlatform
import Testing

/// `IPAddressText.dottedQuad` reads IPv4 text by hand, every request (the access log's client
/// address); it must accept and refuse exactly what the C library's `inet_pton` does.
@Suite("IPv4 text")
struct IPAddressTextTests {
    @Test(arguments: [
        "127.0.0.1", "0.0.0.0", "255.255.255.255", "10.0.20.5", "1.22.103.4", "192.168.100.9",
        "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4 ",
        " 1.2.3.4", "1.2.3.-4", "1.2.3.4a", "", "::1", "::ffff:127.0.0.1", "1000.1.1.1", "00.0.0.0", "0.0.0.00",
        "localhost", "1.2.3.255", "1.2.3.2555",
    ])
    func readsAsInetPtonDoes(_ text: String) {
        #expect(IPAddressText.dottedQuad(text) == IPAddressText.cDottedQuad(text))
    }

    @Test func addressesOfBothFamiliesStillRead() {
        #expect(IPAddressText.bytes("127.0.0.1") == [127, 0, 0, 1])
        #expect(IPAddressText.bytes("::1") == Array(repeating: 0, count: 15) + [1])
        #expect(IPAddressText.bytes("01.2.3.4") == nil)
    }
}
