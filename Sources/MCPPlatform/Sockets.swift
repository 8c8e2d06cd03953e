#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Socket types as `socket(2)` takes them, close-on-exec where the platform can set that at
/// creation (Linux: `SOCK_CLOEXEC`; Darwin has no such flag: ``makeSocket(_:_:_:)`` sets
/// `FD_CLOEXEC` right after).
private enum SocketType {
    #if canImport(Darwin)
        static let stream = SOCK_STREAM
        static let datagram = SOCK_DGRAM
    #elseif canImport(Glibc)
        static let stream = Int32(SOCK_STREAM.rawValue)
        static let datagram = Int32(SOCK_DGRAM.rawValue)
        static let closeOnExec = Int32(SOCK_CLOEXEC.rawValue)
    #elseif canImport(Musl)
        static let stream = SOCK_STREAM
        static let datagram = SOCK_DGRAM
        static let closeOnExec = SOCK_CLOEXEC
    #endif
}

/// `socket(2)` returning a close-on-exec descriptor, or -1.
private func makeSocket(_ family: Int32, _ type: Int32, _ protocolNumber: Int32) -> Int32 {
    #if canImport(Darwin)
        // No SOCK_CLOEXEC: a spawn between the two calls could inherit the socket, which only
        // matters while another thread spawns; the supervisor spawns from the thread making it.
        let descriptor = socket(family, type, protocolNumber)
        if descriptor >= 0 { Descriptors.setCloseOnExec(descriptor) }
        return descriptor
    #else
        return socket(family, type | SocketType.closeOnExec, protocolNumber)
    #endif
}

/// A TCP socket bound and listening, created by the supervisor and inherited by every worker:
/// one port, one accept queue, kept open by the supervisor even while no worker accepts, so no
/// connection is lost while workers come and go.
package enum ListeningSocket {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// Binds `host:port` (first address that works), listens with `backlog`. Close-on-exec is set;
    /// the spawn step maps the descriptor explicitly into each worker.
    package static func open(host: String, port: Int, backlog: Int32 = 1024) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = SocketType.stream
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = 0
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            cursor = entry.pointee.ai_next
            let descriptor = makeSocket(entry.pointee.ai_family, entry.pointee.ai_socktype, entry.pointee.ai_protocol)
            guard descriptor >= 0 else {
                lastError = errno
                continue
            }
            var one: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if bind(descriptor, entry.pointee.ai_addr, entry.pointee.ai_addrlen) == 0, listen(descriptor, backlog) == 0
            {
                return descriptor
            }
            lastError = errno
            Descriptors.close(descriptor)
        }
        throw Failure(description: "cannot listen on \(host):\(port): \(String(cString: strerror(lastError)))")
    }

    /// The port a listening socket is bound to (for port 0).
    package static func port(of descriptor: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { return 0 }
        // sin_port and sin6_port lie at the same offset.
        return withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// Accepts one connection without waiting (the listening socket is non-blocking) and makes
    /// it close-on-exec and non-blocking. -1 with `errno` set when there is none (`EAGAIN`: a
    /// sibling took it, or the queue is empty) or on failure.
    package static func acceptConnection(_ listening: Int32) -> Int32 {
        let connection = accept(listening, nil, nil)
        if connection >= 0 {
            Descriptors.setCloseOnExec(connection)
            Descriptors.setNonBlocking(connection)
        }
        return connection
    }
}

/// Unix datagram sockets named by a path: how worker processes of one server message each other.
package enum UnixDatagramSocket {
    /// Room for a path in `sockaddr_un` (108 bytes on Linux, 104 on Darwin), its NUL included:
    /// a usable path is shorter.
    package static let pathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    /// A new close-on-exec datagram socket, or -1.
    package static func make() -> Int32 {
        makeSocket(AF_UNIX, SocketType.datagram, 0)
    }

    /// Binds the socket to `path` (which must not exist); true when bound.
    package static func bindAddress(_ descriptor: Int32, path: String) -> Bool {
        withAddress(path) { bind(descriptor, $0, $1) } == 0
    }

    /// Sets the kernel's receive and send buffers (on Darwin the send buffer also bounds the
    /// largest datagram, 2 KiB by default).
    package static func setBufferSizes(_ descriptor: Int32, bytes: Int) {
        var size = Int32(bytes)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    /// `recv`: waits for one datagram; its length, 0 once shut down, -1 on failure.
    package static func receive(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        recv(descriptor, buffer.baseAddress, buffer.count, 0)
    }

    /// `sendto` the socket bound at `path`: bytes sent, or -1 with `errno` (`ECONNREFUSED`:
    /// nobody is bound there any more; `ENOENT`: no such socket).
    package static func sendMessage(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, toPath path: String) -> Int {
        withAddress(path) { address, length in
            sendto(descriptor, bytes.baseAddress, bytes.count, 0, address, length)
        }
    }

    /// `shutdown(SHUT_RDWR)`: ends a `recv` waiting on another thread.
    package static func shutDown(_ descriptor: Int32) {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    private static func withAddress<Result>(
        _ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result
    ) -> Result {
        var address = sockaddr_un()
        #if canImport(Darwin)
            address.sun_len = UInt8(MemoryLayout<sockaddr_un>.size)
        #endif
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let utf8 = Array(path.utf8.prefix(capacity - 1))
            raw.copyBytes(from: utf8)
            raw[utf8.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}

/// Numeric IP addresses as text (`inet_pton`).
package enum IPAddressText {
    /// The address's bytes in network order: 4 for IPv4 text, 16 for IPv6 text; nil otherwise.
    package static func bytes(_ text: String) -> [UInt8]? {
        // IPv4 text is read by hand (every peer, every request): the C call for it would read
        // exactly the same texts (`cDottedQuad`, the tests' reference), so only IPv6 reaches C.
        if let quad = dottedQuad(text) { return quad }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        return withUnsafeBytes(of: &v6) { Array($0) }
    }

    /// The four bytes of `a.b.c.d`, read by the rules of `inet_pton(AF_INET)`: four decimal
    /// numbers of at most 255, no leading zeros, nothing else; nil for anything else.
    package static func dottedQuad(_ text: String) -> [UInt8]? {
        var octets: [UInt8] = []
        octets.reserveCapacity(4)
        var current = 0
        var digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits > 0 && current == 0 { return nil }
                current = current * 10 + Int(byte - UInt8(ascii: "0"))
                guard current <= 255 else { return nil }
                digits += 1
            case UInt8(ascii: "."):
                guard digits > 0, octets.count < 3 else { return nil }
                octets.append(UInt8(current))
                current = 0
                digits = 0
            default: return nil
            }
        }
        guard digits > 0, octets.count == 3 else { return nil }
        octets.append(UInt8(current))
        return octets
    }

    /// What the C library's `inet_pton(AF_INET)` reads `text` as; for tests of ``dottedQuad(_:)``.
    package static func cDottedQuad(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
        return withUnsafeBytes(of: &v4) { Array($0) }
    }
}
