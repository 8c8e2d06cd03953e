/// Who sent a request, as the transport authenticated it.
///
/// ``id`` is the stable, non-secret name that handshake-era sessions, `requestState` and the
/// server's requests to the client are bound to (empty for anonymous callers). An OAuth access
/// token also gives a subject, a client, scopes and its claims, which a tool can read from
/// ``HandlerContext/principal`` to authorize finer-grained work.
///
/// ```swift
/// @Tool static func delete_report(id: String, context: HandlerContext) throws -> String {
///     guard context.principal.subject == owner(of: id) else { throw ToolError("not your report") }
///     …
/// }
/// ```
public struct Principal: Sendable {
    /// The name state is bound to: `key:<fingerprint>` for an API key, `oauth:<issuer>#<subject>`
    /// for a token; empty for anonymous callers.
    public let id: String
    /// The token's `sub`.
    public let subject: String?
    /// The OAuth client the token was issued to (`client_id`, else `azp`).
    public let clientID: String?
    /// The scopes the token grants; nil when the caller is not limited by scopes (no
    /// authentication, an API key, stdio).
    public let scopes: Set<String>?
    /// Every claim of the token (JWT payload or introspection answer), as sent.
    public let claims: JSONObject

    /// A caller known by `id`; the token's details default to none, `scopes` to unlimited.
    public init(
        id: String, subject: String? = nil, clientID: String? = nil, scopes: Set<String>? = nil,
        claims: JSONObject = [:]
    ) {
        self.id = id
        self.subject = subject
        self.clientID = clientID
        self.scopes = scopes
        self.claims = claims
    }

    /// No authentication: not limited by scopes, bound to nobody.
    public static let anonymous = Principal(id: "")

    /// True when the caller holds every scope of `needed` (always, when not limited by scopes).
    public func grants(_ needed: [String]) -> Bool {
        guard let scopes, !needed.isEmpty else { return true }
        return needed.allSatisfy(scopes.contains)
    }
}
