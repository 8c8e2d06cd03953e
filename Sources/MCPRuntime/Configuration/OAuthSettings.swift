public import MCPCore
package import MCPHTTP
import MCPOAuth

/// OAuth 2.1: this server as a protected resource of an authorization server (MCP
/// authorization). Needs a build with the `OAuth` trait (`swift build --traits OAuth`).
///
/// | key | meaning |
/// | --- | --- |
/// | `OAUTH_ISSUER` | the authorization server's issuer URL; set, every MCP and REST request needs a bearer token it issued for this server (`API_KEY` is still accepted beside it) |
/// | `OAUTH_JWKS_URL` | where its signing keys are, when its metadata does not say (default: discovered from the issuer) |
/// | `PUBLIC_URL` | the origin clients reach this server at (`https://mcp.example.com`): tokens must name `PUBLIC_URL` + `MCP_PATH` as audience; required in production |
/// | `OAUTH_REQUIRED_SCOPES` | comma-separated scopes every request needs (403 `insufficient_scope` without them) |
/// | `OAUTH_SCOPES_SUPPORTED` | comma-separated scopes named in the metadata, for clients to ask for |
/// | `OAUTH_INSUFFICIENT_SCOPE` | what a caller gets for a tool, resource or prompt its scopes do not allow (`scopes:` on the declaration): `unknown` (default: the same error as for one that does not exist) or `challenge` (HTTP 403 `insufficient_scope` naming the scopes, so the client can ask for them) |
/// | `OAUTH_INTROSPECTION_URL` | the introspection endpoint (RFC 7662): tokens that are not JWTs are checked there |
/// | `OAUTH_INTROSPECT` | `opaque` (default: only tokens that are not JWTs) or `always` (every token, so a revoked JWT is refused before it expires; one call per token per `OAUTH_INTROSPECTION_CACHE`) |
/// | `OAUTH_CLIENT_ID`, `OAUTH_CLIENT_SECRET` | this server's client at the authorization server, for introspection (`client_secret_basic`) |
/// | `OAUTH_INTROSPECTION_CACHE` | seconds an active answer is remembered (never past the token's `exp`; an inactive one a fifth of it; default 30) |
/// | `OAUTH_CLOCK_SKEW` | seconds of clock difference allowed on `exp`, `nbf` and `iat` (default 30) |
/// | `OAUTH_ALGORITHMS` | comma-separated signature algorithms accepted (default: every asymmetric one; never `none` or HS*) |
public struct OAuthSettings: Sendable {
    /// The authorization server's issuer URL (`OAUTH_ISSUER`); nil turns OAuth off.
    public var issuer: String?
    /// Where the issuer's signing keys are (`OAUTH_JWKS_URL`); nil: discovered from the issuer.
    public var jwksURL: String?
    /// The origin clients reach this server at (`PUBLIC_URL`).
    public var publicURL: String?
    /// Scopes every request needs (`OAUTH_REQUIRED_SCOPES`).
    public var requiredScopes: [String] = []
    /// Scopes named in the metadata for clients to ask for (`OAUTH_SCOPES_SUPPORTED`).
    public var scopesSupported: [String] = []
    /// Signature algorithms accepted (`OAUTH_ALGORITHMS`); every asymmetric one by default.
    public var algorithms = OAuthConfiguration.asymmetricAlgorithms
    /// Seconds of clock difference allowed on `exp`, `nbf` and `iat` (`OAUTH_CLOCK_SKEW`).
    public var clockSkew = 30.0
    /// What a caller gets for a declaration its scopes do not allow (`OAUTH_INSUFFICIENT_SCOPE`).
    public var insufficientScope = InsufficientScope.unknown
    /// The introspection endpoint (`OAUTH_INTROSPECTION_URL`); nil for none.
    public var introspectionURL: String?
    /// Introspect every token, JWTs included (`OAUTH_INTROSPECT=always`).
    public var introspectEveryToken = false
    /// This server's client id at the authorization server, for introspection (`OAUTH_CLIENT_ID`).
    public var clientID: String?
    /// This server's client secret, for introspection (`OAUTH_CLIENT_SECRET`).
    public var clientSecret: String?
    /// Seconds an active introspection answer is remembered (`OAUTH_INTROSPECTION_CACHE`).
    public var introspectionCache = 30.0

    /// Which tokens the introspection endpoint is asked about.
    public enum IntrospectedTokens: String, Sendable, CaseIterable {
        /// Only tokens that are not JWTs, or every token.
        case opaque, always
    }

    /// OAuth off: no issuer, every default in the table above.
    public init() {}

    /// - Parameter production: OAuth then needs `PUBLIC_URL`: behind a proxy, the server cannot
    ///   tell its public address from a request without trusting the client's `Host` header.
    package init(reading settings: SettingsReader, production: Bool) throws(ConfigurationError) {
        issuer = try Self.url(settings, "OAUTH_ISSUER")
        jwksURL = try Self.url(settings, "OAUTH_JWKS_URL")
        publicURL = try Self.url(settings, "PUBLIC_URL")
        requiredScopes = settings.list("OAUTH_REQUIRED_SCOPES", default: [])
        scopesSupported = settings.list("OAUTH_SCOPES_SUPPORTED", default: requiredScopes)
        let names = settings.list("OAUTH_ALGORITHMS", default: OAuthConfiguration.asymmetricAlgorithms.sorted())
        guard !names.isEmpty, names.allSatisfy(OAuthConfiguration.asymmetricAlgorithms.contains) else {
            throw ConfigurationError(
                key: "OAUTH_ALGORITHMS", value: names.joined(separator: ","),
                allowed: OAuthConfiguration.asymmetricAlgorithms.sorted().joined(separator: ", "))
        }
        algorithms = Set(names)
        clockSkew = try settings.double("OAUTH_CLOCK_SKEW", default: clockSkew, in: 0...600)
        insufficientScope = try settings.choice("OAUTH_INSUFFICIENT_SCOPE", default: insufficientScope)
        introspectionURL = try Self.url(settings, "OAUTH_INTROSPECTION_URL")
        introspectEveryToken = try settings.choice("OAUTH_INTROSPECT", default: IntrospectedTokens.opaque) == .always
        clientID = settings.string("OAUTH_CLIENT_ID")
        clientSecret = settings.secret("OAUTH_CLIENT_SECRET")
        introspectionCache = try settings.double("OAUTH_INTROSPECTION_CACHE", default: introspectionCache, in: 0...3600)
        if introspectionURL != nil && (clientID == nil || clientSecret == nil) {
            throw ConfigurationError(
                key: "OAUTH_CLIENT_ID", value: clientID ?? "",
                allowed: "this server's client id, with OAUTH_CLIENT_SECRET, when OAUTH_INTROSPECTION_URL is set")
        }
        guard let issuer else { return }
        #if !OAuth
            throw ConfigurationError(
                key: "OAUTH_ISSUER", value: issuer,
                allowed: "unset in a build without the OAuth trait (swift build --traits OAuth)")
        #else
            if production && publicURL == nil {
                throw ConfigurationError(
                    key: "PUBLIC_URL", value: "",
                    allowed: "the origin clients reach this server at, required in production when OAUTH_ISSUER is set")
            }
        #endif
    }

    static func url(_ settings: SettingsReader, _ name: String) throws(ConfigurationError) -> String? {
        guard let text = settings.string(name) else { return nil }
        guard text.hasPrefix("https://") || text.hasPrefix("http://"), !text.contains(" ") else {
            throw ConfigurationError(key: name, value: text, allowed: "an http:// or https:// URL")
        }
        return text
    }

    /// This server as a protected resource, when OAuth is configured: reached at `PUBLIC_URL`,
    /// else at `fallbackURL` (the address it listens on, in development).
    package func protectedResource(mcpPath: String, fallbackURL: String) -> ProtectedResource? {
        #if OAuth
            guard let issuer else { return nil }
            let origin = publicURL ?? fallbackURL
            var trimmed = origin
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            var configuration = OAuthConfiguration(issuer: issuer, jwksURL: jwksURL, resource: trimmed + mcpPath)
            configuration.algorithms = algorithms
            configuration.leewaySeconds = clockSkew
            if let introspectionURL, let clientID, let clientSecret {
                var introspection = OAuthConfiguration.Introspection(
                    url: introspectionURL, clientID: clientID, clientSecret: clientSecret)
                introspection.everyToken = introspectEveryToken
                introspection.cacheSeconds = introspectionCache
                configuration.introspection = introspection
            }
            return ProtectedResource(
                publicURL: origin, mcpPath: mcpPath, authorizationServers: [issuer], scopesSupported: scopesSupported,
                requiredScopes: requiredScopes, validator: OAuthTokenValidator(configuration: configuration))
        #else
            return nil
        #endif
    }
}
