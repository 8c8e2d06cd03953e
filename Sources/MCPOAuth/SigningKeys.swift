#if OAuth
    import Foundation
    import JWTKit
    import MCPCore
    import Metrics

    /// The authorization server's public keys, fetched from its JWKS and kept fresh: again every
    /// ``OAuthConfiguration/refreshSeconds`` while tokens arrive, and at once (at most every
    /// ``OAuthConfiguration/unknownKeyRefetchSeconds``) when a token names a key not seen yet — so a
    /// rotated key validates without a restart, and a flood of made-up key ids costs one fetch.
    ///
    /// Only signature keys of asymmetric types are kept (`RSA`, `EC`, `OKP`; `use` absent or
    /// `sig`): an HMAC key in a JWKS would let anyone who read the JWKS sign tokens.
    actor SigningKeys {
        private let configuration: OAuthConfiguration
        private let fetcher: DocumentFetcher
        private let now: @Sendable () -> Double
        private var jwksURL: String?
        private var keys = JWTKeyCollection()
        private var kids: Set<String> = []
        private var fetchedAt: Double?
        private var lastAttempt: Double = -.infinity
        private var fetching: Task<Void, any Error>?
        private let fetches = Counter(label: "mcp_oauth_jwks_fetches_total", dimensions: [("outcome", "ok")])
        private let failedFetches = Counter(label: "mcp_oauth_jwks_fetches_total", dimensions: [("outcome", "error")])

        init(configuration: OAuthConfiguration, now: @escaping @Sendable () -> Double) {
            self.configuration = configuration
            self.fetcher = DocumentFetcher(timeoutSeconds: configuration.fetchTimeoutSeconds)
            self.now = now
            self.jwksURL = configuration.jwksURL
        }

        /// The keys to verify a token signed with `kid` (nil: the token names none) — fetched first
        /// when there are none yet, when they are due for a refresh, or when `kid` is unknown and the
        /// last fetch is long enough ago. Nil when the key is not known even then.
        func collection(for kid: String?) async throws(OAuthSetupError) -> JWTKeyCollection? {
            let time = now()
            let due = fetchedAt.map { time - $0 >= configuration.refreshSeconds } ?? true
            let unknown = kid.map { !kids.contains($0) } ?? (kids.count != 1)
            // A token with a key not seen yet waits for a fetch already under way (it may bring
            // that key) rather than be refused while it runs.
            let mayFetch = fetching != nil || time - lastAttempt >= configuration.unknownKeyRefetchSeconds
            if due || (unknown && mayFetch) {
                do { try await refresh() } catch {
                    // Keys fetched before still verify the tokens they signed.
                    if fetchedAt == nil { throw error }
                }
            }
            if let kid { return kids.contains(kid) ? keys : nil }
            return kids.count == 1 ? keys : nil
        }

        /// Fetches the JWKS once for every caller waiting at the same time.
        func refresh() async throws(OAuthSetupError) {
            if let fetching {
                do { try await fetching.value } catch { throw error as? OAuthSetupError ?? OAuthSetupError("\(error)") }
                return
            }
            lastAttempt = now()
            let task = Task { try await self.fetch() }
            fetching = task
            defer { fetching = nil }
            do { try await task.value } catch { throw error as? OAuthSetupError ?? OAuthSetupError("\(error)") }
        }

        private func fetch() async throws(OAuthSetupError) {
            do {
                let url: String
                if let jwksURL {
                    url = jwksURL
                } else {
                    url = try await IssuerMetadata.discover(issuer: configuration.issuer, fetcher: fetcher).jwksURL
                    jwksURL = url
                }
                let document = try await fetcher.object(at: url)
                let (collection, kids) = try await Self.collection(from: document)
                keys = collection
                self.kids = kids
                fetchedAt = now()
                fetches.increment()
            } catch {
                failedFetches.increment()
                throw error
            }
        }

        /// The signature keys of a JWKS document, by `kid`.
        static func collection(
            from document: JSONObject
        ) async throws(OAuthSetupError) -> (JWTKeyCollection, Set<String>) {
            guard case .array(let entries) = document["keys"] ?? .null else {
                throw OAuthSetupError("the JWKS has no keys array")
            }
            let usable = entries.filter { entry in
                guard case .object(let key) = entry, let kid = key["kid"]?.stringValue, !kid.isEmpty,
                    let type = key["kty"]?.stringValue, ["RSA", "EC", "OKP"].contains(type)
                else { return false }
                return key["use"]?.stringValue.map { $0 == "sig" } ?? true
            }
            let collection = JWTKeyCollection()
            var kids: Set<String> = []
            for entry in usable {
                guard let kid = entry["kid"]?.stringValue else { continue }
                do {
                    let jwk = try JSONDecoder().decode(JWK.self, from: Data(JSONWriter.bytes(entry)))
                    try await collection.add(jwk: jwk)
                    kids.insert(kid)
                } catch {
                    continue  // a key of a kind jwt-kit cannot use is skipped, not fatal
                }
            }
            guard !kids.isEmpty else { throw OAuthSetupError("the JWKS holds no usable signature key") }
            return (collection, kids)
        }
    }
#endif
