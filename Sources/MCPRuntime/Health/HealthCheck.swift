import Foundation
import MCPHTTP
import NIOCore
import NIOHTTP1
import NIOPosix

#if TLS
    import NIOSSL
#endif

/// `mcp-server healthcheck`: one GET, no curl needed in the image.
package enum HealthCheck {
    /// The result of one check.
    package struct Outcome: Sendable {
        /// True when the server answered 200 with `"status":"healthy"` in the body.
        package var ok: Bool
        /// `healthy`, or `unhealthy: ` and why, for the command's output.
        package var message: String
    }

    /// The address that reaches a server bound to `host`: loopback for the wildcard addresses
    /// (and for loopback itself), otherwise the bound address (a server bound to one interface
    /// does not answer on 127.0.0.1).
    package static func probeHost(forBindAddress host: String) -> String {
        switch host {
        case "", "0.0.0.0", "*", "localhost": return "127.0.0.1"
        case "::", "[::]": return "::1"
        default: return host
        }
    }

    /// The URL `mcp-server healthcheck` probes for a server with these settings.
    package static func url(host: String, port: Int, tls: Bool) -> String {
        let probe = probeHost(forBindAddress: host)
        let authority = probe.contains(":") ? "[\(probe)]" : probe
        return "\(tls ? "https" : "http")://\(authority):\(port)/health"
    }

    /// Healthy when `url` answers 200 with `"status":"healthy"` within `timeout`.
    package static func check(url: String, timeout: Duration) async -> Outcome {
        guard let components = URLComponents(string: url), let bracketed = components.host,
            let scheme = components.scheme, scheme == "http" || scheme == "https"
        else { return Outcome(ok: false, message: "unhealthy: bad URL \(url)") }
        // An IPv6 literal may come back with its brackets; the socket wants the bare address.
        let host =
            bracketed.hasPrefix("[") && bracketed.hasSuffix("]") ? String(bracketed.dropFirst().dropLast()) : bracketed
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        do {
            let (status, body) = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                group.addTask { try await get(host: host, port: port, path: path, tls: scheme == "https") }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw CancellationError()
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
            let healthy = status == 200 && body.contains("\"status\":\"healthy\"")
            return Outcome(ok: healthy, message: healthy ? "healthy" : "unhealthy: HTTP \(status)")
        } catch {
            return Outcome(ok: false, message: "unhealthy: no answer from \(url)")
        }
    }

    static func get(host: String, port: Int, path: String, tls: Bool) async throws -> (Int, String) {
        let group = MultiThreadedEventLoopGroup.singleton
        let channel = try await ClientBootstrap(group: group).connect(host: host, port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                if tls {
                    #if TLS
                        var configuration = TLSConfiguration.makeClientConfiguration()
                        // A probe of this very server on loopback: the certificate may name another host.
                        configuration.certificateVerification = .none
                        let context = try NIOSSLContext(configuration: configuration)
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: nil))
                    #else
                        throw TLSNotBuilt()
                    #endif
                }
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                    wrappingChannelSynchronously: channel)
            }
        }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
            head.headers.add(name: "Host", value: host.contains(":") ? "[\(host)]" : host)
            head.headers.add(name: "Connection", value: "close")
            head.headers.add(name: "User-Agent", value: "mcp-server-healthcheck")
            try await outbound.write(.head(head))
            try await outbound.write(.end(nil))
            var status = 0
            var body = ""
            for try await part in inbound {
                switch part {
                case .head(let response): status = Int(response.status.code)
                case .body(let buffer): body += String(buffer: buffer)
                case .end: return (status, body)
                }
            }
            return (status, body)
        }
    }
}
