import NIOCore
import Testing

@testable import MCPHTTP

@Suite("Peer address text")
struct PeerAddressTests {
    @Test(arguments: ["127.0.0.1", "0.0.0.0", "255.255.255.255", "10.0.20.5", "192.168.100.9", "1.22.103.4"])
    func ipv4ReadsAsInetNtopWritesIt(_ address: String) throws {
        let socket = try SocketAddress(ipAddress: address, port: 443)
        #expect(socket.peerText == address)
        #expect(socket.peerText == socket.ipAddress)
    }

    @Test(arguments: ["::1", "fd00::7", "2001:db8::ff00:42:8329"])
    func ipv6IsLeftToInetNtop(_ address: String) throws {
        let socket = try SocketAddress(ipAddress: address, port: 443)
        #expect(socket.peerText == socket.ipAddress)
    }
}
