import MCPCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Network interfaces (`getifaddrs`) and traffic counters (`/proc/net/dev`).
enum NetworkProbe {
    static func interfaces() -> JSONObject {
        var result = JSONObject()
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return result }
        defer { freeifaddrs(list) }
        var grouped: [(String, [JSONValue])] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            guard let address = entry.pointee.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            let name = String(cString: entry.pointee.ifa_name)
            var item: JSONObject = [
                "family": .string(family == AF_INET ? "AF_INET" : "AF_INET6"),
                "address": text(of: address).map { .string($0) } ?? .null,
            ]
            item.append("netmask", entry.pointee.ifa_netmask.flatMap { text(of: $0) }.map { .string($0) } ?? .null)
            if let index = grouped.firstIndex(where: { $0.0 == name }) {
                grouped[index].1.append(.object(item))
            } else {
                grouped.append((name, [.object(item)]))
            }
        }
        for (name, addresses) in grouped { result.append(name, .array(addresses)) }
        return result
    }

    static func text(of address: UnsafeMutablePointer<sockaddr>) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let length = socklen_t(
            address.pointee.sa_family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
        guard getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else {
            return nil
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sums over all interfaces of /proc/net/dev.
    static func counters() -> JSONObject {
        var bytesReceived = 0, packetsReceived = 0, bytesSent = 0, packetsSent = 0
        for line in (SystemProbe.read("/proc/net/dev") ?? "").split(separator: "\n").dropFirst(2) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let numbers = line[line.index(after: colon)...].split(separator: " ").compactMap { Int($0) }
            guard numbers.count >= 10 else { continue }
            bytesReceived += numbers[0]
            packetsReceived += numbers[1]
            bytesSent += numbers[8]
            packetsSent += numbers[9]
        }
        return [
            "bytes_sent": .int(bytesSent), "bytes_recv": .int(bytesReceived),
            "packets_sent": .int(packetsSent), "packets_recv": .int(packetsReceived),
        ]
    }
}
