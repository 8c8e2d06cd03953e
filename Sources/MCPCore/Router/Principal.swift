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
    /// The fields behind one reference: a request's principal is copied into its routed
    /// request, its handler context and the transport's checks, and five fields made each copy
    /// five retains.
    private final class Storage: Sendable {
        let id: String
        let subject: String?
        let clientID: String?
        let scopes: Set<String>?
        let claims: JSONObject

        init(id: String, subject: String?, clientID: String?, scopes: Set<String>?, claims: JSONObject) {
            self.id = id
            self.subject = subject
            self.clientID = clientID
            self.scopes = scopes
            self.claims = claims
        }
    }

    private let storage: Storage

    /// The name state is bound to: `key:<fingerprint>` for an API key, `oauth:<issuer>#<subject>`
    /// for a token; empty for anonymous callers.
    public var id: String { storage.id }
    /// The token's `sub`.
    public var subject: String? { storage.subject }
    /// The OAuth client the token was issued to (`client_id`, else `azp`).
    public var clientID: String? { storage.clientID }
    /// The scopes the token grants; nil when the caller is not limited by scopes (no
    /// authentication, an API key, stdio).
    public var scopes: Set<String>? { storage.scopes }
    /// Every claim of the token (JWT payload or introspection answer), as sent.
    public var claims: JSONObject { storage.claims }

    /// A caller known by `id`; the token's details default to none, `scopes` to unlimited.
    public init(
        id: String, subject: String? = nil, clientID: String? = nil, scopes: Set<String>? = nil,
        claims: JSONObject = [:]
    ) {
        storage = Storage(id: id, subject: subject, clientID: clientID, scopes: scopes, claims: claims)
    }

    /// No authentication: not limited by scopes, bound to nobody.
    public static let anonymous = Principal(id: "")

    /// True when the caller holds every scope of `needed` (always, when not limited by scopes).
    public func grants(_ needed: [String]) -> Bool {
        guard let scopes, !needed.isEmpty else { return true }
        return needed.allSatisfy(scopes.contains)
    }
}
