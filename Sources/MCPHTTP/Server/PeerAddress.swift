import NIOCore

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension SocketAddress {
    /// The address as text, like `ipAddress`, without a `sprintf` per call for IPv4: the access
    /// log and the rate limiter ask for it on every request (`inet_ntop` cost some 1,700
    /// instructions a time). IPv6 and other addresses still go through `ipAddress`.
    var peerText: String? {
        guard case .v4(let address) = self else { return ipAddress }
        // sin_addr is in network order: its first byte in memory is the first octet.
        var value = address.address.sin_addr.s_addr
        return withUnsafeBytes(of: &value) { octets in
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
}
