import MCPCore
import MCPPlatform

/// Network interfaces and traffic counters, as the `system://network` resource shows them.
enum NetworkProbe {
    /// Each interface's IPv4 and IPv6 addresses, interfaces in the order the system lists them.
    static func interfaces() -> JSONObject {
        var grouped: [(String, [JSONValue])] = []
        for entry in HostFacts.interfaceAddresses() {
            var item: JSONObject = [
                "family": .string(entry.isIPv6 ? "AF_INET6" : "AF_INET"),
                "address": entry.address.map { .string($0) } ?? .null,
            ]
            item.append("netmask", entry.netmask.map { .string($0) } ?? .null)
            if let index = grouped.firstIndex(where: { $0.0 == entry.interface }) {
                grouped[index].1.append(.object(item))
            } else {
                grouped.append((entry.interface, [.object(item)]))
            }
        }
        var result = JSONObject()
        for (name, addresses) in grouped { result.append(name, .array(addresses)) }
        return result
    }

    /// Sums over all interfaces since boot.
    static func counters() -> JSONObject {
        let traffic = HostFacts.traffic()
        return [
            "bytes_sent": .int(traffic.bytesSent), "bytes_recv": .int(traffic.bytesReceived),
            "packets_sent": .int(traffic.packetsSent), "packets_recv": .int(traffic.packetsReceived),
        ]
    }
}
