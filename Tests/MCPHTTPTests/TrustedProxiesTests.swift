import MCPHTTP
import NIOCore
import Testing

/// Which address a request is attributed to behind proxies (`FORWARDED_ALLOW_IPS`).
@Suite("Trusted proxies")
struct TrustedProxiesTests {
    @Test func anUntrustedPeerIsTheClientWhateverItForwards() throws {
        let proxies = try TrustedProxies(["10.0.0.0/8"])
        #expect(proxies.clientAddress(peer: "203.0.113.7", forwardedFor: ["198.51.100.1"]) == "203.0.113.7")
        #expect(TrustedProxies.none.clientAddress(peer: "127.0.0.1", forwardedFor: ["198.51.100.1"]) == "127.0.0.1")
    }

    @Test func aTrustedPeerNamesTheRightMostUntrustedHop() throws {
        let proxies = try TrustedProxies(["10.0.0.0/8", "192.168.1.5"])
        // The client forged the first entry; nginx (10.1.2.3) appended the address it saw.
        #expect(
            proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["6.6.6.6, 198.51.100.1"]) == "198.51.100.1")
        // Two proxies in a row, headers split over two fields.
        #expect(
            proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["198.51.100.1", "192.168.1.5"]) == "198.51.100.1")
        // Every hop trusted: the left-most one.
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["10.9.9.9, 192.168.1.5"]) == "10.9.9.9")
        // No header: the proxy itself.
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: []) == "10.1.2.3")
    }

    @Test func garbageEndsTheWalkAtTheLastTrustedHop() throws {
        let proxies = try TrustedProxies(["10.0.0.0/8"])
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["evil\nline"]) == "10.1.2.3")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["unknown, 10.4.4.4"]) == "10.4.4.4")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["[2001:db8::1]"]) == "2001:db8::1")
    }

    @Test func blocksMatchByPrefixForBothFamilies() throws {
        let proxies = try TrustedProxies(["172.16.0.0/12", "fd00::/8", "2001:db8:0:1::7"])
        #expect(proxies.trusts("172.31.255.1"))
        #expect(!proxies.trusts("172.32.0.1"))
        #expect(proxies.trusts("fd12:3456::1"))
        #expect(!proxies.trusts("fe80::1"))
        #expect(proxies.trusts("2001:db8:0:1::7"))
        #expect(!proxies.trusts("2001:db8:0:1::8"))
        #expect(proxies.trusts("::ffff:172.20.0.3"), "an IPv4-mapped peer matches its IPv4 block")
        #expect(!proxies.trusts("not-an-address"))
        let everyone = try TrustedProxies(["*"])
        let anyIPv4 = try TrustedProxies(["0.0.0.0/0"])
        #expect(everyone.trusts("198.51.100.1") && anyIPv4.trusts("198.51.100.1"))
        #expect(TrustedProxies.loopback.trusts("127.0.0.1") && TrustedProxies.loopback.trusts("::1"))
        #expect(!TrustedProxies.loopback.trusts("127.0.0.2"))
    }

    @Test func aPeerSocketAddressIsJudgedAsItsText() throws {
        let lists: [TrustedProxies] = [
            try TrustedProxies(["172.16.0.0/12", "fd00::/8", "2001:db8:0:1::7"]), .loopback, .none,
            try TrustedProxies(["*"]), try TrustedProxies(["0.0.0.0/0"]), try TrustedProxies(["::/0"]),
        ]
        let peers = [
            "172.31.255.1", "172.32.0.1", "fd12:3456::1", "fe80::1", "2001:db8:0:1::7", "2001:db8:0:1::8",
            "::ffff:172.20.0.3", "::ffff:127.0.0.1", "127.0.0.1", "127.0.0.2", "::1", "0.0.0.0", "255.255.255.255",
        ]
        for proxies in lists {
            for peer in peers {
                let address = try SocketAddress(ipAddress: peer, port: 8000)
                #expect(proxies.trusts(address) == proxies.trusts(peer), "\(peer)")
            }
        }
        let socket = try SocketAddress(unixDomainSocketPath: "/tmp/mcp.sock")
        #expect(!TrustedProxies.loopback.trusts(socket))
        #expect(try TrustedProxies(["*"]).trusts(socket))
    }

    @Test(arguments: ["nginx", "10.0.0.0/33", "::1/129", "10.0.0.1/", "1.2.3"])
    func invalidEntriesAreRefused(_ entry: String) {
        let error = #expect(throws: TrustedProxies.InvalidEntry.self) { try TrustedProxies(["127.0.0.1", entry]) }
        #expect(error?.entry == entry)
    }
}
