import Foundation
import HTTPTypes
package import Hummingbird
import Logging
import Synchronization

/// A fixed-window rate limit per client key (the authenticated principal, else the client
/// address, which a trusted proxy names in `X-Forwarded-For`): `limit` requests per `window`
/// seconds, then 429 with `Retry-After` and the `RateLimit-*` headers. Health, readiness and
/// metrics are exempt.
///
/// Bounded in memory and in work, whatever the traffic:
/// - an IPv6 client is keyed by its /64 (one host usually owns a whole /64, so rotating the
///   low bits does not buy fresh windows); an IPv4-mapped address is its IPv4 address;
/// - the table is split into shards, each under its own lock and holding at most
///   `maxKeys / shards` windows; windows expire in the order they started (a FIFO per shard),
///   so dropping them costs O(1) per request, never a scan of the table;
/// - when a shard is full of live windows, its oldest window is dropped: more distinct clients
///   than `maxKeys` within one window make the limit approximate for the oldest ones, never an
///   unbounded table.
package final class RateLimiter: RouterMiddleware {
    /// The request context of the MCP HTTP server.
    package typealias Context = MCPRequestContext

    struct Window {
        var start: Double
        var count: Int
    }

    /// One shard: its windows, and the order in which they started.
    struct Shard {
        var windows: [String: Window] = [:]
        var starts: [(key: String, start: Double)] = []
        var head = 0

        /// Drops the oldest start record; when it still names a live window, that window too.
        mutating func dropOldest() -> Bool {
            guard head < starts.count else { return false }
            let (key, start) = starts[head]
            head += 1
            if head >= 1024 && head * 2 >= starts.count {
                starts.removeFirst(head)
                head = 0
            }
            if windows[key]?.start == start {
                windows[key] = nil
                return true
            }
            return false
        }

        mutating func take(key: String, now: Double, window: Double, limit: Int, capacity: Int) -> (Bool, Int, Int) {
            while head < starts.count, now - starts[head].start >= window { _ = dropOldest() }
            var current = windows[key]
            if current == nil || now - current!.start >= window {
                if current == nil {
                    while windows.count >= capacity, head < starts.count { _ = dropOldest() }
                }
                current = Window(start: now, count: 0)
                starts.append((key, now))
            }
            current!.count += 1
            windows[key] = current
            let reset = max(1, Int((current!.start + window - now).rounded(.up)))
            return (current!.count <= limit, max(0, limit - current!.count), reset)
        }
    }

    let limit: Int
    let window: Double
    let maxKeys: Int
    let proxies: TrustedProxies
    /// A shard under its own lock (a class: `Mutex` cannot live in an array).
    final class LockedShard: Sendable {
        let shard = Mutex(Shard())
    }

    private let shards: [LockedShard]
    static let exempt: Set<String> = ["/health", "/ready", "/metrics"]  // probes and scrapes
    static let shardCount = 16

    /// A limit of `limit` requests per `windowSeconds` (at least 1) per client key, keeping at most `maxKeys`
    /// windows; `proxies` are the peers trusted to name the client in `X-Forwarded-For`.
    package init(limit: Int, windowSeconds: Int, proxies: TrustedProxies = .none, maxKeys: Int = 100_000) {
        self.limit = limit
        self.proxies = proxies
        self.window = Double(max(1, windowSeconds))
        self.maxKeys = max(Self.shardCount, maxKeys)
        self.shards = (0..<Self.shardCount).map { _ in LockedShard() }
    }

    /// Counts the request against its client's window: passes it to `next`, or answers 429 once the window is full.
    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard !Self.exempt.contains(request.uri.path) else { return try await next(request, context) }
        let key =
            context.principal
            ?? proxies.clientAddress(of: request, peer: context.channel.remoteAddress).map(
                Self.key(address:))
            ?? "unknown"
        let now = Date().timeIntervalSince1970
        let (allowed, remaining, reset) = take(key: key, now: now)
        var fields: HTTPFields = [
            HTTPField.Name("RateLimit-Limit")!: "\(limit)", HTTPField.Name("RateLimit-Remaining")!: "\(remaining)",
            HTTPField.Name("RateLimit-Reset")!: "\(reset)",
        ]
        guard allowed else {
            context.record.update { $0.rateLimited = true }
            fields[.retryAfter] = "\(reset)"
            return HTTPMessages.problem(
                .tooManyRequests, "rate limit exceeded; retry after \(reset) s", headers: fields)
        }
        var response = try await next(request, context)
        response.headers.append(contentsOf: fields)
        return response
    }

    /// Counts one request for `key`: whether it is allowed, how many remain, seconds to reset.
    func take(key: String, now: Double) -> (Bool, Int, Int) {
        var hasher = Hasher()
        hasher.combine(key)
        let shard = shards[Int(UInt(bitPattern: hasher.finalize()) % UInt(Self.shardCount))]
        let capacity = maxKeys / Self.shardCount
        return shard.shard.withLock { $0.take(key: key, now: now, window: window, limit: limit, capacity: capacity) }
    }

    /// Windows held right now (for tests).
    var keysHeld: Int { shards.reduce(0) { total, shard in total + shard.shard.withLock { $0.windows.count } } }

    /// The key of a client address: an IPv6 address is keyed by its /64, an IPv4-mapped one by
    /// its IPv4 address, anything else as it is.
    static func key(address: String) -> String {
        guard let bytes = TrustedProxies.parse(address) else { return address }
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: 8, by: 2).map {
            String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
        }
        return groups.joined(separator: ":") + "::/64"
    }
}
