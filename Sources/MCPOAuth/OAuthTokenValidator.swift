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
    /// With ``OAuthConfiguration/introspection``, tokens that are not JWTs (opaque ones), or every
    /// token, are asked about at the introspection endpoint instead (RFC 7662): it must say
    /// `active`, and the same claims must hold (the audience among them).
    ///
    /// A token that validated is remembered until it expires (at most
    /// ``OAuthConfiguration/cacheSeconds``, at most ``OAuthConfiguration/cacheCapacity`` tokens);
    /// an introspection answer as long as the introspection settings say.
    public final class OAuthTokenValidator: AccessTokenValidator {
        let configuration: OAuthConfiguration
        private let keys: SigningKeys
        private let now: @Sendable () -> Double
        private let remembered: ExpiringCache<Principal>
        /// Tokens the introspection endpoint called inactive.
        private let refused: ExpiringCache<Bool>
        private let fetcher: DocumentFetcher

        /// A validator for `configuration`; `now` (seconds since 1970) is for tests. Fetches nothing until used.
        public init(
            configuration: OAuthConfiguration, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
        ) {
            self.configuration = configuration
            self.now = now
            self.keys = SigningKeys(configuration: configuration, now: now)
            self.fetcher = DocumentFetcher(timeoutSeconds: configuration.fetchTimeoutSeconds)
            self.remembered = ExpiringCache(capacity: configuration.cacheCapacity)
            self.refused = ExpiringCache(capacity: configuration.cacheCapacity)
        }

        /// Fetches the issuer's metadata and keys now (at start-up), so the first request does not
        /// wait and a wrong issuer shows in the log at once.
        public func warmUp() async throws(OAuthSetupError) {
            try await keys.refresh()
        }

        /// Validates `token` as described above: remembered, then JWT or introspection.
        public func validate(_ token: String) async -> TokenValidation {
            let time = now()
            if let known = remembered.value(token, at: time) { return .valid(known) }
            let parts = token.split(separator: ".", omittingEmptySubsequences: false)
            let header =
                parts.count == 3 ? Base64URL.decode(String(parts[0])).flatMap { try? JSONParser.parse($0) } : nil
            if let introspection = configuration.introspection, header == nil || introspection.everyToken {
                return await introspect(token, introspection, at: time)
            }
            guard let header, let alg = header["alg"]?.stringValue else { return .invalid(reason: "not a JWT") }
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
                remembered.store(
                    principal, for: token, until: min(expiry, time + configuration.cacheSeconds), now: time)
                return .valid(principal)
            }
        }

        /// Asks the introspection endpoint about `token`, remembering the answer briefly.
        private func introspect(
            _ token: String, _ introspection: OAuthConfiguration.Introspection, at time: Double
        ) async
            -> TokenValidation
        {
            if refused.value(token, at: time) != nil { return .invalid(reason: "inactive (remembered)") }
            let answer: JSONObject
            do {
                answer = try await fetcher.object(
                    posting: [("token", token), ("token_type_hint", "access_token")], to: introspection.url,
                    user: introspection.clientID, password: introspection.clientSecret)
            } catch {
                return .unavailable(reason: error.description)
            }
            var claims = answer
            if claims["sub"] == nil, let client = claims["client_id"] { claims["sub"] = client }
            let verdict: Result<(Principal, Double), Refusal> =
                answer["active"] == .bool(true)
                ? check(claims, at: time, requireExpiry: false) : .failure(Refusal(reason: "inactive"))
            switch verdict {
            case .failure(let refusal):
                refused.store(true, for: token, until: time + introspection.cacheSeconds / 5, now: time)
                return .invalid(reason: "introspection: " + refusal.reason)
            case .success(let (principal, expiry)):
                remembered.store(
                    principal, for: token, until: min(expiry, time + introspection.cacheSeconds), now: time)
                return .valid(principal)
            }
        }

        struct Refusal: Error {
            let reason: String
        }

        /// The claims' verdict: the caller and when the token expires, or why it is refused.
        func check(
            _ claims: JSONObject, at time: Double, requireExpiry: Bool = true
        ) -> Result<(Principal, Double), Refusal> {
            let leeway = configuration.leewaySeconds
            // An introspection answer may leave `iss` and `exp` out (RFC 7662 §2.2); a JWT may not.
            let issuer = claims["iss"]?.stringValue ?? (requireExpiry ? nil : configuration.issuer)
            guard issuer == configuration.issuer else {
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
            guard let expiry = Self.seconds(claims["exp"]) ?? (requireExpiry ? nil : .infinity) else {
                return .failure(Refusal(reason: "no exp"))
            }
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
    }

    /// jwt-kit checks the signature only; the claims are read from the verified payload and
    /// checked by ``OAuthTokenValidator/check(_:at:requireExpiry:)``, which can say which one failed.
    private struct SignatureOnly: JWTPayload {
        init(from decoder: any Decoder) throws {}
        func encode(to encoder: any Encoder) throws {}
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
#endif
