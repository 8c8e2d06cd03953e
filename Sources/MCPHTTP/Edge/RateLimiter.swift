import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import Synchronization

/// A fixed-window rate limit per client key (the authenticated principal, else the client
/// address, which a trusted proxy names in `X-Forwarded-For`): `limit` requests per `window` seconds, then 429 with `Retry-After` and the
/// `RateLimit-*` headers. Health, readiness and metrics are exempt. Memory is bounded: old
/// windows are dropped when the table is full.
public final class RateLimiter: RouterMiddleware {
    public typealias Context = MCPRequestContext

    struct Window {
        var start: Double
        var count: Int
    }

    let limit: Int
    let window: Double
    let maxKeys = 100_000
    let proxies: TrustedProxies
    private let windows = Mutex<[String: Window]>([:])
    static let exempt: Set<String> = ["/health", "/ready", "/metrics"]  // probes and scrapes

    public init(limit: Int, windowSeconds: Int, proxies: TrustedProxies = .none) {
        self.limit = limit
        self.proxies = proxies
        self.window = Double(max(1, windowSeconds))
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard !Self.exempt.contains(request.uri.path) else { return try await next(request, context) }
        let key =
            context.principal ?? proxies.clientAddress(of: request, peer: context.channel.remoteAddress?.ipAddress)
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
        windows.withLock { windows in
            if windows.count >= maxKeys { windows = windows.filter { now - $0.value.start < window } }
            var current = windows[key] ?? Window(start: now, count: 0)
            if now - current.start >= window { current = Window(start: now, count: 0) }
            current.count += 1
            windows[key] = current
            let reset = max(1, Int((current.start + window - now).rounded(.up)))
            return (current.count <= limit, max(0, limit - current.count), reset)
        }
    }
}
