#if OAuth
    public import Foundation
    import JWTKit
    import MCPCore
    public import MCPHTTP
    import Synchronization

    /// Validates JWT access tokens (RFC 9068) against the authorization server's keys: the
    /// signature with an allowed asymmetric algorithm and a known key, then `iss`, `aud` (must name
    /// this server's resource, RFC 8707), `exp`, `nbf` and `iat` with a small leeway. The caller is
    /// `oauth:<issuer>#<sub>`, with the client (`client_id`, else `azp`), the scopes (`scope`, else
    /// `scp`) and every claim.
    ///
    /// A token that validated is remembered until it expires (at most
    /// ``OAuthConfiguration/cacheSeconds``, at most ``OAuthConfiguration/cacheCapacity`` tokens).
    public final class JWTAccessTokenValidator: AccessTokenValidator {
        let configuration: OAuthConfiguration
        private let keys: SigningKeys
        private let now: @Sendable () -> Double
        private let remembered = Mutex<[String: (principal: Principal, until: Double)]>([:])

        public init(
            configuration: OAuthConfiguration, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
        ) {
            self.configuration = configuration
            self.now = now
            self.keys = SigningKeys(configuration: configuration, now: now)
        }

        /// Fetches the issuer's metadata and keys now (at start-up), so the first request does not
        /// wait and a wrong issuer shows in the log at once.
        public func warmUp() async throws(OAuthSetupError) {
            try await keys.refresh()
        }

        public func validate(_ token: String) async -> TokenValidation {
            let time = now()
            if let known = remembered.withLock({ $0[token] }), known.until > time { return .valid(known.principal) }
            let parts = token.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, let headerBytes = Base64URL.decode(String(parts[0])),
                let header = try? JSONParser.parse(headerBytes), let alg = header["alg"]?.stringValue
            else { return .invalid(reason: "not a JWT") }
            guard configuration.algorithms.contains(alg) else {
                return .invalid(reason: "algorithm \(alg) is not accepted")
            }
            let kid = header["kid"]?.stringValue
            let collection: JWTKeyCollection
            do {
                guard let found = try await keys.collection(for: kid) else {
                    return .invalid(reason: "signed by an unknown key \(kid ?? "(no kid)")")
                }
                collection = found
            } catch {
                return .unavailable(reason: error.description)
            }
            do {
                _ = try await collection.verify(token, as: SignatureOnly.self)
            } catch {
                return .invalid(reason: "signature does not verify")
            }
            guard let payloadBytes = Base64URL.decode(String(parts[1])),
                let payload = try? JSONParser.parse(payloadBytes),
                case .object(let claims) = payload
            else { return .invalid(reason: "the payload is not a JSON object") }
            switch check(claims, at: time) {
            case .failure(let refusal): return .invalid(reason: refusal.reason)
            case .success(let (principal, expiry)):
                remember(token, principal, until: min(expiry, time + configuration.cacheSeconds))
                return .valid(principal)
            }
        }

        struct Refusal: Error {
            let reason: String
        }

        /// The claims' verdict: the caller and when the token expires, or why it is refused.
        func check(_ claims: JSONObject, at time: Double) -> Result<(Principal, Double), Refusal> {
            let leeway = configuration.leewaySeconds
            guard claims["iss"]?.stringValue == configuration.issuer else {
                return .failure(
                    Refusal(reason: "issuer \(claims["iss"]?.stringValue ?? "none") is not \(configuration.issuer)"))
            }
            let audiences: [String]
            switch claims["aud"] ?? .null {
            case .string(let one): audiences = [one]
            case .array(let many): audiences = many.compactMap(\.stringValue)
            default: audiences = []
            }
            guard audiences.contains(configuration.resource) else {
                return .failure(Refusal(reason: "audience \(audiences) does not name \(configuration.resource)"))
            }
            guard let expiry = Self.seconds(claims["exp"]) else { return .failure(Refusal(reason: "no exp")) }
            guard time < expiry + leeway else { return .failure(Refusal(reason: "expired")) }
            if let notBefore = Self.seconds(claims["nbf"]), time + leeway < notBefore {
                return .failure(Refusal(reason: "not valid yet"))
            }
            if let issuedAt = Self.seconds(claims["iat"]), time + leeway < issuedAt {
                return .failure(Refusal(reason: "issued in the future"))
            }
            guard let subject = claims["sub"]?.stringValue, !subject.isEmpty else {
                return .failure(Refusal(reason: "no sub"))
            }
            let scopes: Set<String>
            switch claims["scope"] ?? claims["scp"] ?? .null {
            case .string(let list): scopes = Set(list.split(separator: " ").map(String.init))
            case .array(let list): scopes = Set(list.compactMap(\.stringValue))
            default: scopes = []
            }
            let principal = Principal(
                id: "oauth:\(configuration.issuer)#\(subject)", subject: subject,
                clientID: claims["client_id"]?.stringValue ?? claims["azp"]?.stringValue, scopes: scopes, claims: claims
            )
            return .success((principal, expiry + leeway))
        }

        static func seconds(_ value: JSONValue?) -> Double? {
            switch value {
            case .some(.int(let number)): return Double(number)
            case .some(.double(let number)): return number
            default: return nil
            }
        }

        private func remember(_ token: String, _ principal: Principal, until: Double) {
            let capacity = configuration.cacheCapacity
            guard capacity > 0 else { return }
            let time = now()
            remembered.withLock { cache in
                if cache.count >= capacity {
                    cache = cache.filter { $0.value.until > time }
                    if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
                }
                cache[token] = (principal, until)
            }
        }
    }

    /// jwt-kit checks the signature only; the claims are read from the verified payload and
    /// checked by ``JWTAccessTokenValidator/check(_:at:)``, which can say which one failed.
    private struct SignatureOnly: JWTPayload {
        init(from decoder: any Decoder) throws {}
        func encode(to encoder: any Encoder) throws {}
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
#endif
