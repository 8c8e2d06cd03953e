#if OAuth
    import Foundation
    import JWTKit
    import MCPCore
    import MCPHTTP
    import MCPOAuth
    import Synchronization
    import Testing

    /// The claims a test token carries; nil ones are left out.
    struct Claims: JWTPayload {
        var iss: String?
        var aud: [String]?
        var sub: String?
        var exp: Int?
        var nbf: Int?
        var iat: Int?
        var scope: String?
        var client_id: String?

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// A signing key of the stand-in authorization server, and its public JWK.
    struct SigningKey {
        let kid: String
        let keys = JWTKeyCollection()
        let jwk: String

        init(kid: String) async {
            self.kid = kid
            let key = ES256PrivateKey()
            let parameters = key.publicKey.parameters!
            jwk =
                #"{"kty":"EC","crv":"P-256","use":"sig","alg":"ES256","kid":"\#(kid)","x":"\#(parameters.x)","y":"\#(parameters.y)"}"#
            await keys.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        }

        func sign(_ claims: Claims) async throws -> String {
            try await keys.sign(claims, kid: JWKIdentifier(string: kid))
        }
    }

    /// A clock the test moves.
    final class TestClock: Sendable {
        let seconds = Mutex(1_800_000_000.0)
        var now: Double { seconds.withLock { $0 } }
        func advance(_ by: Double) { seconds.withLock { $0 += by } }
    }

    /// JWT access tokens checked as MCP authorization asks (RFC 9068, RFC 8707, RFC 6750): keys
    /// discovered from the issuer and fetched over HTTP, every claim that must hold, keys that
    /// rotate, and an authorization server that is down.
    @Suite("JWT access tokens", .serialized)
    struct OAuthTokenValidatorTests {
        static let resource = "https://mcp.example.com/mcp"

        func withIssuer(
            keys: [SigningKey], _ body: (KeyServer, OAuthTokenValidator, TestClock, Claims) async throws -> Void
        ) async throws {
            let server = KeyServer(keys: keys.map(\.jwk))
            await server.start()
            defer { server.stop() }
            let clock = TestClock()
            var configuration = OAuthConfiguration(issuer: server.issuer, resource: Self.resource)
            configuration.cacheCapacity = 0
            let validator = OAuthTokenValidator(configuration: configuration, now: { clock.now })
            let now = Int(clock.now)
            let good = Claims(
                iss: server.issuer, aud: [Self.resource], sub: "alice", exp: now + 300, nbf: now - 10, iat: now - 10,
                scope: "mcp:read mcp:write", client_id: "app")
            try await body(server, validator, clock, good)
        }

        func reason(_ validation: TokenValidation) -> String? {
            if case .invalid(let reason) = validation { return reason }
            return nil
        }

        @Test func aGoodTokenNamesItsCaller() async throws {
            let key = await SigningKey(kid: "k1")
            try await withIssuer(keys: [key]) { server, validator, _, good in
                guard case .valid(let caller) = await validator.validate(try await key.sign(good)) else {
                    Issue.record("refused")
                    return
                }
                #expect(caller.id == "oauth:\(server.issuer)#alice")
                #expect(caller.subject == "alice")
                #expect(caller.clientID == "app")
                #expect(caller.scopes == ["mcp:read", "mcp:write"])
                #expect(caller.claims["client_id"] == "app")
            }
        }

        @Test func everyClaimThatMustHoldIsChecked() async throws {
            let key = await SigningKey(kid: "k1")
            try await withIssuer(keys: [key]) { server, validator, clock, good in
                let now = Int(clock.now)
                var cases: [(String, Claims)] = []
                var claims = good
                claims.exp = now - 31
                cases.append(("expired", claims))
                claims = good
                claims.exp = nil
                cases.append(("no exp", claims))
                claims = good
                claims.nbf = now + 31
                cases.append(("not valid yet", claims))
                claims = good
                claims.iat = now + 31
                cases.append(("issued in the future", claims))
                claims = good
                claims.iss = "https://someone-else.example.com"
                cases.append(("issuer", claims))
                claims = good
                claims.aud = ["https://mcp.example.com/other"]
                cases.append(("audience", claims))
                claims = good
                claims.aud = nil
                cases.append(("audience", claims))
                claims = good
                claims.sub = nil
                cases.append(("no sub", claims))
                for (expected, claims) in cases {
                    let reason = reason(await validator.validate(try await key.sign(claims)))
                    #expect(reason?.contains(expected) == true, "\(expected): \(reason ?? "accepted")")
                }
                // Within the clock skew (30 s) a token is still good.
                claims = good
                claims.exp = now - 20
                claims.nbf = now + 20
                if case .invalid(let reason) = await validator.validate(try await key.sign(claims)) {
                    Issue.record("refused within the skew: \(reason)")
                }
            }
        }

        @Test func signaturesFromAnyoneElseAreRefused() async throws {
            let key = await SigningKey(kid: "k1")
            let stranger = await SigningKey(kid: "k1")  // same kid, another key
            let unknown = await SigningKey(kid: "k9")
            try await withIssuer(keys: [key]) { _, validator, _, good in
                #expect(reason(await validator.validate(try await stranger.sign(good))) == "signature does not verify")
                #expect(reason(await validator.validate(try await unknown.sign(good)))?.contains("unknown key") == true)
                let token = try await key.sign(good)
                let parts = token.split(separator: ".").map(String.init)
                var payload = try JSONParser.parse(Base64URL.decode(parts[1]) ?? []).objectValue ?? [:]
                payload["sub"] = "mallory"
                let tampered = [parts[0], Base64URL.encode(JSONWriter.bytes(.object(payload))), parts[2]]
                    .joined(separator: ".")
                #expect(reason(await validator.validate(tampered)) == "signature does not verify")
                let none = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + parts[1] + "."
                #expect(reason(await validator.validate(none))?.contains("algorithm none") == true)
                // HS256 with the public key as the secret: the classic confusion.
                let hmac = JWTKeyCollection()
                await hmac.add(hmac: HMACKey(from: Array(key.jwk.utf8)), digestAlgorithm: .sha256, kid: "k1")
                let confused = try await hmac.sign(good, kid: "k1")
                #expect(reason(await validator.validate(confused))?.contains("algorithm HS256") == true)
                #expect(reason(await validator.validate("not-a-jwt")) == "not a JWT")
            }
        }

        @Test func aRotatedKeyIsFetchedOnceAndTheOldOneKeepsWorking() async throws {
            let old = await SigningKey(kid: "k1")
            let new = await SigningKey(kid: "k2")
            try await withIssuer(keys: [old]) { server, validator, clock, good in
                try await validator.warmUp()
                #expect(server.fetchCount == 1)
                server.keys.withLock { $0 = [new.jwk, old.jwk] }
                clock.advance(31)
                var fresh = good
                fresh.exp = Int(clock.now) + 300
                for _ in 0..<20 {
                    if case .invalid(let reason) = await validator.validate(try await new.sign(fresh)) {
                        Issue.record("new key refused: \(reason)")
                    }
                    if case .invalid(let reason) = await validator.validate(try await old.sign(fresh)) {
                        Issue.record("old key refused: \(reason)")
                    }
                }
                #expect(server.fetchCount == 2, "one fetch for the new kid, none for the others")
            }
        }

        /// Found by Tests/OAuth/resource_server_checks.py: right after a rotation, concurrent
        /// requests with the new key were refused while the first one fetched it.
        @Test func concurrentTokensWithANewKeyAllWaitForTheOneFetch() async throws {
            let old = await SigningKey(kid: "k1")
            let new = await SigningKey(kid: "k2")
            try await withIssuer(keys: [old]) { server, validator, clock, good in
                try await validator.warmUp()
                server.keys.withLock { $0 = [new.jwk, old.jwk] }
                clock.advance(31)
                var fresh = good
                fresh.exp = Int(clock.now) + 300
                let token = try await new.sign(fresh)
                let refused = await withTaskGroup(of: Bool.self) { group in
                    for _ in 0..<32 {
                        group.addTask {
                            if case .valid = await validator.validate(token) { return false }
                            return true
                        }
                    }
                    return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(refused == 0)
                #expect(server.fetchCount == 2)
            }
        }

        @Test func madeUpKeyIDsCostOneFetchPerInterval() async throws {
            let key = await SigningKey(kid: "k1")
            try await withIssuer(keys: [key]) { server, validator, clock, good in
                try await validator.warmUp()
                for index in 0..<50 {
                    let stranger = await SigningKey(kid: "made-up-\(index)")
                    _ = await validator.validate(try await stranger.sign(good))
                }
                #expect(server.fetchCount == 1, "within 30 s of the last fetch, unknown kids fetch nothing")
                clock.advance(31)
                _ = await validator.validate(try await SigningKey(kid: "another").sign(good))
                #expect(server.fetchCount == 2)
                clock.advance(300)
                var fresh = good
                fresh.exp = Int(clock.now) + 300
                _ = await validator.validate(try await key.sign(fresh))
                #expect(server.fetchCount == 3, "refreshed after refreshSeconds while tokens arrive")
            }
        }

        @Test func anIssuerThatIsDownIsUnavailableNotInvalid() async throws {
            let key = await SigningKey(kid: "k1")
            try await withIssuer(keys: [key]) { server, validator, clock, good in
                server.reachable.withLock { $0 = false }
                guard case .unavailable = await validator.validate(try await key.sign(good)) else {
                    Issue.record("expected unavailable")
                    return
                }
                server.reachable.withLock { $0 = true }
                clock.advance(31)
                guard case .valid = await validator.validate(try await key.sign(good)) else {
                    Issue.record("expected valid once the issuer is back")
                    return
                }
                // Once keys are known, an outage at refresh time keeps them in use.
                server.reachable.withLock { $0 = false }
                clock.advance(301)
                var fresh = good
                fresh.exp = Int(clock.now) + 300
                guard case .valid = await validator.validate(try await key.sign(fresh)) else {
                    Issue.record("known keys must keep working while the issuer is down")
                    return
                }
            }
        }

        func withIntrospection(
            everyToken: Bool = false,
            _ body: (KeyServer, OAuthTokenValidator, TestClock, SigningKey, Claims) async throws -> Void
        ) async throws {
            let key = await SigningKey(kid: "k1")
            let server = KeyServer(keys: [key.jwk])
            await server.start()
            defer { server.stop() }
            let clock = TestClock()
            var configuration = OAuthConfiguration(issuer: server.issuer, resource: Self.resource)
            var introspection = OAuthConfiguration.Introspection(
                url: "http://127.0.0.1:\(server.port)/introspect", clientID: "rs-client", clientSecret: "rs-secret")
            introspection.everyToken = everyToken
            configuration.introspection = introspection
            configuration.fetchTimeoutSeconds = 1
            let validator = OAuthTokenValidator(configuration: configuration, now: { clock.now })
            let now = Int(clock.now)
            let good = Claims(
                iss: server.issuer, aud: [Self.resource], sub: "alice", exp: now + 300, nbf: now - 10, iat: now - 10,
                scope: "mcp:read", client_id: "app")
            try await body(server, validator, clock, key, good)
        }

        @Test func opaqueTokensAreIntrospectedAndTheAnswerRememberedBriefly() async throws {
            try await withIntrospection { server, validator, clock, _, _ in
                let now = Int(clock.now)
                server.introspection.withLock {
                    $0["opaque-1"] =
                        #"{"active":true,"sub":"bob","client_id":"cli","scope":"mcp:read mcp:write","aud":"\#(Self.resource)","exp":\#(now + 600)}"#
                    $0["other-audience"] = #"{"active":true,"sub":"bob","aud":"https://elsewhere.example.com/mcp"}"#
                }
                guard case .valid(let caller) = await validator.validate("opaque-1") else {
                    Issue.record("an active opaque token was refused")
                    return
                }
                #expect(caller.subject == "bob")
                #expect(caller.scopes == ["mcp:read", "mcp:write"])
                #expect(reason(await validator.validate("other-audience"))?.contains("audience") == true)
                #expect(reason(await validator.validate("never-issued")) == "introspection: inactive")
                #expect(server.introspections.withLock { $0 } == 3)
                // Revoked at the authorization server: refused once the remembered answer ages out.
                server.introspection.withLock { $0["opaque-1"] = #"{"active":false}"# }
                guard case .valid = await validator.validate("opaque-1") else {
                    Issue.record("remembered for 30 s")
                    return
                }
                #expect(server.introspections.withLock { $0 } == 3)
                clock.advance(31)
                #expect(reason(await validator.validate("opaque-1")) == "introspection: inactive")
                #expect(reason(await validator.validate("opaque-1")) == "inactive (remembered)")
                #expect(server.introspections.withLock { $0 } == 4)
            }
        }

        @Test func jwtsAreCheckedLocallyUnlessEveryTokenIsIntrospected() async throws {
            try await withIntrospection { server, validator, _, key, good in
                guard case .valid = await validator.validate(try await key.sign(good)) else {
                    Issue.record("a good JWT was refused")
                    return
                }
                #expect(server.introspections.withLock { $0 } == 0)
            }
            try await withIntrospection(everyToken: true) { server, validator, _, key, good in
                let token = try await key.sign(good)
                #expect(reason(await validator.validate(token)) == "introspection: inactive", "revoked")
                #expect(server.introspections.withLock { $0 } == 1)
            }
        }

        @Test func anIntrospectionEndpointThatIsDownIsUnavailable() async throws {
            try await withIntrospection { server, validator, _, _, _ in
                server.stop()
                try await Task.sleep(for: .milliseconds(200))
                guard case .unavailable = await validator.validate("opaque-2") else {
                    Issue.record("expected unavailable")
                    return
                }
            }
        }
    }
#endif
