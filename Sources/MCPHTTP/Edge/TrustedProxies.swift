import HTTPTypes
import Hummingbird
import MCPPlatform
package import NIOCore

/// The proxies whose `X-Forwarded-For` the server believes (`FORWARDED_ALLOW_IPS`, the name
/// uvicorn and gunicorn use). Behind nginx every connection comes from nginx; without this, the
/// rate limiter would put every client in nginx's bucket and the access log would name nginx.
///
/// A request whose peer is trusted is attributed to the right-most `X-Forwarded-For` address that
/// is not itself a trusted proxy: each proxy appends the address it saw, so entries left of the
/// first untrusted one may be forged by the client and are never used.
public struct TrustedProxies: Sendable, Equatable {
    /// An address block: the first `prefix` bits of `bytes` (4 bytes for IPv4, 16 for IPv6).
    struct Network: Sendable, Equatable {
        let bytes: [UInt8]
        let prefix: Int

        func contains(_ address: some Collection<UInt8>) -> Bool {
            guard address.count == bytes.count else { return false }
            var bits = prefix
            for (mine, theirs) in zip(bytes, address) where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if mine & mask != theirs & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    /// An entry of the list that is neither an address, a block (`10.0.0.0/8`), `*` nor `none`.
    public struct InvalidEntry: Error, Equatable {
        /// The entry as written.
        public let entry: String
    }

    let networks: [Network]
    let trustsEveryone: Bool

    /// Loopback only (`127.0.0.1`, `::1`): a proxy on the same host, as uvicorn assumes by default.
    public static let loopback = TrustedProxies(
        networks: [
            Network(bytes: [127, 0, 0, 1], prefix: 32),
            Network(bytes: Array(repeating: 0, count: 15) + [1], prefix: 128),
        ],
        trustsEveryone: false)

    /// Believes no proxy: the peer address is the client.
    public static let none = TrustedProxies(networks: [], trustsEveryone: false)

    init(networks: [Network], trustsEveryone: Bool) {
        self.networks = networks
        self.trustsEveryone = trustsEveryone
    }

    /// Parses a list of addresses and CIDR blocks; `*` trusts every peer, `none` (alone) none.
    public init(_ entries: [String]) throws(InvalidEntry) {
        var networks: [Network] = []
        var everyone = false
        let entries = entries.map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        if entries == ["none"] {
            self = .none
            return
        }
        for entry in entries {
            if entry == "*" {
                everyone = true
                continue
            }
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = Self.parse(String(parts[0])) else { throw InvalidEntry(entry: entry) }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let bits = Int(parts[1]), (0...prefix).contains(bits) else { throw InvalidEntry(entry: entry) }
                prefix = bits
            }
            networks.append(Network(bytes: bytes, prefix: prefix))
        }
        self.init(networks: networks, trustsEveryone: everyone)
    }

    /// Whether `address` (an IP address in text form) belongs to a trusted proxy.
    package func trusts(_ address: String) -> Bool {
        if trustsEveryone { return true }
        guard !networks.isEmpty, let bytes = Self.parse(address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// Whether the peer `address` is a trusted proxy, read from its bytes: the access log asks
    /// on every request, and the text form would be parsed back to the same bytes.
    package func trusts(_ address: SocketAddress) -> Bool {
        if trustsEveryone { return true }
        guard !networks.isEmpty else { return false }
        return address.withIPBytes { bytes in networks.contains { $0.contains(bytes) } } ?? false
    }

    /// The address a request comes from: `peer` itself unless it is a trusted proxy, else the
    /// right-most untrusted address of the `X-Forwarded-For` values (the left-most when every hop
    /// is trusted). Entries that are not IP addresses end the walk at the last trusted hop.
    package func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, trusts(peer) else { return peer }
        return walk(from: peer, forwardedFor: forwardedFor)
    }

    /// The walk of ``clientAddress(peer:forwardedFor:)`` once `peer` is known to be trusted.
    func walk(from peer: String, forwardedFor: [String]) -> String {
        var client = peer
        for value in forwardedFor.reversed() {
            for entry in value.split(separator: ",").reversed() {
                var address = String(entry).trimmingSpaces()
                if address.hasPrefix("["), address.hasSuffix("]") { address = String(address.dropFirst().dropLast()) }
                guard Self.parse(address) != nil else { return client }
                client = address
                if !trusts(address) { return client }
            }
        }
        return client
    }

    /// The bytes of an IPv4 or IPv6 address; an IPv4-mapped IPv6 address gives its IPv4 bytes.
    static func parse(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        guard let bytes = IPAddressText.bytes(text) else { return nil }
        if bytes.count == 16 && bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return Array(bytes[12...])
        }
        return bytes
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension TrustedProxies {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The client address of `request` from its `peer` (nil when the peer has no IP address);
    /// the headers are read only when the peer is a trusted proxy.
    func clientAddress(of request: Request, peer: SocketAddress?) -> String? {
        clientAddress(of: request, peer: peer, peerText: peer?.peerText)
    }

    /// As ``clientAddress(of:peer:)``, with the peer's text already at hand.
    func clientAddress(of request: Request, peer: SocketAddress?, peerText: String?) -> String? {
        guard let peerText, let peer, trusts(peer) else { return peerText }
        return walk(from: peerText, forwardedFor: request.headers[values: Self.forwardedFor])
    }
}
