import NIOCore

extension SocketAddress {
    /// The address as text, like `ipAddress`, without a `sprintf` per call for IPv4: the access
    /// log and the rate limiter ask for it on every request (`inet_ntop` cost some 1,700
    /// instructions a time). IPv6 and other addresses still go through `ipAddress`.
    var peerText: String? {
        guard case .v4 = self else { return ipAddress }
        return withIPBytes(Self.dottedQuad) ?? ipAddress
    }

    /// Calls `body` with the IP address's bytes in network order: 4 for IPv4 and for an
    /// IPv4-mapped IPv6 address (as ``TrustedProxies/parse(_:)`` reads its text), else 16; nil
    /// for an address that is not IP.
    func withIPBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result? {
        // The address sits at byte 4 of a sockaddr_in and byte 8 of a sockaddr_in6 on every
        // platform (after the family, the port and, for IPv6, the flow label), in network order.
        let (offset, count): (Int, Int)
        switch self {
        case .v4: (offset, count) = (4, 4)
        case .v6: (offset, count) = (8, 16)
        case .unixDomainSocket: return nil
        }
        return withSockAddr { address, size in
            guard size >= offset + count else { return nil }
            var bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(address) + offset, count: count)
            if count == 16, bytes.prefix(10).allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
                bytes = UnsafeRawBufferPointer(rebasing: bytes[12...])
            }
            return body(bytes)
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
