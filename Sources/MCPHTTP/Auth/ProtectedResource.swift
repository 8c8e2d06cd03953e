public import MCPCore

/// Checks a bearer token presented to this server: signature or introspection, issuer,
/// audience, lifetime. The OAuth resource server (product `MCPOAuth`) implements it.
public protocol AccessTokenValidator: Sendable {
    /// What the token proves. Never throws: every failure is an answer.
    func validate(_ token: String) async -> TokenValidation
}

/// The outcome of validating one access token.
public enum TokenValidation: Sendable {
    /// A good token: the caller it names.
    case valid(Principal)
    /// Refused (HTTP 401 `invalid_token`); the reason is logged, never sent.
    case invalid(reason: String)
    /// Cannot be checked right now: the authorization server or its keys are unreachable (503).
    case unavailable(reason: String)
}

/// This server as an OAuth 2.1 protected resource (MCP authorization; RFC 9728, RFC 6750):
/// its canonical URL, the authorization servers that issue tokens for it, the scopes it knows,
/// and how it challenges a client that brought no token, a bad one, or too few scopes.
public struct ProtectedResource: Sendable {
    /// The canonical URL of the MCP endpoint (`PUBLIC_URL` + `MCP_PATH`): the `resource` of the
    /// metadata, and the audience every token must name (RFC 8707).
    public let resource: String
    /// The public origin (`PUBLIC_URL`), where the metadata document is served.
    public let publicURL: String
    /// `authorization_servers`: the issuers whose tokens this server accepts.
    public let authorizationServers: [String]
    /// `scopes_supported`: scopes a client may ask for.
    public let scopesSupported: [String]
    /// Scopes every request needs (`OAUTH_REQUIRED_SCOPES`); missing ones are a 403 challenge.
    public let requiredScopes: [String]
    /// Validates each access token and names the caller it proves (``AccessTokenValidator``).
    public let validator: any AccessTokenValidator

    /// - Parameters:
    ///   - publicURL: the origin clients reach the server at (`https://mcp.example.com`).
    ///   - mcpPath: the Streamable HTTP path (`/mcp`).
    public init(
        publicURL: String, mcpPath: String, authorizationServers: [String], scopesSupported: [String] = [],
        requiredScopes: [String] = [], validator: any AccessTokenValidator
    ) {
        var origin = publicURL
        while origin.hasSuffix("/") { origin.removeLast() }
        self.publicURL = origin
        self.resource = origin + mcpPath
        self.authorizationServers = authorizationServers
        self.scopesSupported = scopesSupported
        self.requiredScopes = requiredScopes
        self.validator = validator
    }

    /// The root of the metadata paths (RFC 9728 §3).
    package static let wellKnownPath = "/.well-known/oauth-protected-resource"

    /// Where the metadata is served: the form suffixed with the MCP path (RFC 9728 §3.1, which
    /// clients try first) and the root form.
    package static func metadataPaths(mcpPath: String) -> [String] { [wellKnownPath + mcpPath, wellKnownPath] }

    /// The metadata URL that challenges name (`resource_metadata`).
    package func metadataURL(mcpPath: String) -> String { publicURL + Self.wellKnownPath + mcpPath }

    /// The Protected Resource Metadata document (RFC 9728 §2).
    package var metadata: JSONObject {
        var document: JSONObject = [
            "resource": .string(resource),
            "authorization_servers": .array(authorizationServers.map { .string($0) }),
        ]
        if !scopesSupported.isEmpty { document.append("scopes_supported", .array(scopesSupported.map { .string($0) })) }
        document.append("bearer_methods_supported", ["header"])
        return document
    }

    /// A `WWW-Authenticate` value (RFC 6750 §3, RFC 9728 §5.1).
    /// - Parameters:
    ///   - error: `invalid_token`, `insufficient_scope`, or nil when no token was presented.
    ///   - scope: the scopes to ask for; nil names the required (else supported) scopes.
    package func challenge(
        mcpPath: String, error: String? = nil, description: String? = nil, scope: [String]? = nil
    )
        -> String
    {
        var parts = [#"Bearer resource_metadata="\#(metadataURL(mcpPath: mcpPath))""#]
        let scopes = scope ?? (requiredScopes.isEmpty ? scopesSupported : requiredScopes)
        if !scopes.isEmpty { parts.append(#"scope="\#(Self.quotable(scopes.joined(separator: " ")))""#) }
        if let error { parts.append(#"error="\#(error)""#) }
        if let description { parts.append(#"error_description="\#(Self.quotable(description))""#) }
        return parts.joined(separator: ", ")
    }

    /// Text safe inside a quoted-string: printable ASCII without `"` and `\`, at most 200 characters.
    static func quotable(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "\\" }.prefix(
                    200)
            ))
    }
}
