/// How this server checks OAuth access tokens (MCP authorization as a resource server).
public struct OAuthConfiguration: Sendable {
    /// The authorization server's issuer identifier (`OAUTH_ISSUER`): tokens must carry it as
    /// `iss`, and its metadata (RFC 8414, else OpenID Connect discovery) names the keys.
    public var issuer: String
    /// The JWKS address, when configured (`OAUTH_JWKS_URL`) instead of discovered.
    public var jwksURL: String?
    /// The audience every token must name (RFC 8707): this server's canonical MCP URL.
    public var resource: String
    /// Signature algorithms accepted (`OAUTH_ALGORITHMS`); `none` and the HMAC family never are.
    public var algorithms: Set<String> = OAuthConfiguration.asymmetricAlgorithms
    /// Clock skew allowed on `exp`, `nbf` and `iat`, in seconds (`OAUTH_CLOCK_SKEW`, 0 to 600).
    public var leewaySeconds: Double = 30
    /// Seconds after which the keys are fetched again while tokens keep arriving. No setting
    /// reads it: the runtime keeps this default; code that builds the configuration may change it.
    public var refreshSeconds: Double = 300
    /// The least time between two fetches caused by a token whose key is unknown.
    public var unknownKeyRefetchSeconds: Double = 30
    /// How long one fetch of the metadata or the keys may take.
    public var fetchTimeoutSeconds: Double = 5
    /// Validated tokens remembered (until they expire, at most ``cacheSeconds``), so a client's
    /// next request costs a lookup instead of a signature check.
    public var cacheCapacity = 10_000
    /// The longest a validated token is remembered, in seconds (never past its `exp`).
    public var cacheSeconds: Double = 60

    /// Token introspection (RFC 7662), when configured: for tokens that are not JWTs, or for
    /// every token (so a revoked one is refused before it expires).
    public var introspection: Introspection?

    /// Where and how to ask the authorization server whether a token is active.
    public struct Introspection: Sendable {
        /// `OAUTH_INTROSPECTION_URL`.
        public var url: String
        /// This server's client at the authorization server (`client_secret_basic`).
        public var clientID: String
        /// This server's client secret at the authorization server.
        public var clientSecret: String
        /// True: introspect JWTs too (`OAUTH_INTROSPECT=always`); false: only opaque tokens.
        public var everyToken = false
        /// How long an answer is remembered: an active token at most this long (and never past
        /// its `exp`), an inactive one a fifth of it.
        public var cacheSeconds: Double = 30

        /// Introspection at `url` as the client `clientID`, authenticated with `clientSecret`.
        public init(url: String, clientID: String, clientSecret: String) {
            self.url = url
            self.clientID = clientID
            self.clientSecret = clientSecret
        }
    }

    /// Every asymmetric JWS algorithm jwt-kit verifies.
    public static let asymmetricAlgorithms: Set<String> = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
    ]

    /// Validation of tokens from `issuer` for `resource`; keys discovered from the issuer unless `jwksURL` is given.
    public init(issuer: String, jwksURL: String? = nil, resource: String) {
        self.issuer = issuer
        self.jwksURL = jwksURL
        self.resource = resource
    }
}

/// The authorization server or its documents cannot be used (unreachable, wrong, missing keys).
public struct OAuthSetupError: Error, CustomStringConvertible {
    /// What is wrong, for the log.
    public let description: String
    /// True when the server answered (with a wrong status or document); false when it could not
    /// be reached at all.
    public let answered: Bool

    /// An error saying `description`; `answered` is false when the server could not be reached at all.
    public init(_ description: String, answered: Bool = true) {
        self.description = description
        self.answered = answered
    }
}
