import NIOCore

extension SocketAddress {
    /// The address as text, like `ipAddress`, without a `sprintf` per call for IPv4: the access
    /// log and the rate limiter ask for it on every request (`inet_ntop` cost some 1,700
    /// instructions a time). IPv6 and other addresses still go through `ipAddress`.
    var peerText: String? {
        guard case .v4 = self else { return ipAddress }
        return withSockAddr { address, size in
            // A sockaddr_in holds the address at byte 4 on every platform (after the family and
            // the port), in network order: the first byte is the first octet.
            guard size >= 8 else { return ipAddress }
            let octets = UnsafeRawBufferPointer(start: UnsafeRawPointer(address) + 4, count: 4)
            return Self.dottedQuad(octets)
        }
    }

    /// `a.b.c.d` for four bytes, written into one string.
    static func dottedQuad(_ octets: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 15) { text in
            var count = 0
            for (index, octet) in octets.enumerated() {
                if index > 0 {
                    text[count] = UInt8(ascii: ".")
                    count += 1
                }
                if octet >= 100 {
                    text[count] = UInt8(ascii: "0") + octet / 100
                    count += 1
                }
                if octet >= 10 {
                    text[count] = UInt8(ascii: "0") + octet / 10 % 10
                    count += 1
                }
                text[count] = UInt8(ascii: "0") + octet % 10
                count += 1
            }
            return count
        }
    }
}
