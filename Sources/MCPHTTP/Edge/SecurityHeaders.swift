import HTTPTypes
import Hummingbird

/// The headers every response carries: no MIME sniffing, no framing, no referrer, no
/// caching of API answers, HSTS under TLS, and a strict CSP on HTML pages (a route that sets a
/// policy of its own, like the inspector's, keeps it).
enum SecurityHeaders {
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    static let nosniff = HTTPField(name: .xContentTypeOptions, value: "nosniff")
    static let frameOptions = HTTPField(name: HTTPField.Name("X-Frame-Options")!, value: "DENY")
    static let referrerPolicy = HTTPField(name: HTTPField.Name("Referrer-Policy")!, value: "no-referrer")
    static let noStore = HTTPField(name: .cacheControl, value: "no-store")
    static let strictTransportSecurity = HTTPField(
        name: .strictTransportSecurity, value: "max-age=31536000; includeSubDomains")
    static let policy = HTTPField(name: .contentSecurityPolicy, value: contentSecurityPolicy)
    static let names = [
        nosniff.name, frameOptions.name, referrerPolicy.name, .strictTransportSecurity, .contentSecurityPolicy,
    ]

    /// What almost every answer gets, built once: no array per request.
    static let usual = [nosniff, frameOptions, referrerPolicy, noStore]
    static let usualUnderTLS = usual + [strictTransportSecurity]

    /// Adds the security headers the answer lacks. When the route set none of them (nearly
    /// always) they go to `added`, which the caller appends to the answer in one go with its own
    /// fields: `HTTPFields` appends through a generic path that costs hundreds of instructions a
    /// call, so one call per answer instead of several.
    static func apply(to headers: inout HTTPFields, tls: Bool, adding added: inout [HTTPField]) {
        // One pass over what the route set decides everything; the common case (none of these
        // set yet) appends prebuilt fields instead of looking each name up to replace it.
        var hasCacheControl = false
        var isHTML = false
        var hasPolicy = false
        var setByRoute = false
        for field in headers {
            if field.name == .cacheControl {
                hasCacheControl = true
            } else if field.name == .contentType {
                isHTML = isHTML || field.value.hasPrefix("text/html")
            } else if names.contains(field.name) {
                setByRoute = true
                hasPolicy = hasPolicy || field.name == .contentSecurityPolicy
            }
        }
        if !hasCacheControl && !isHTML && !setByRoute {
            added.append(contentsOf: tls ? usualUnderTLS : usual)
            return
        }
        var extra = [nosniff, frameOptions, referrerPolicy]
        if !hasCacheControl { extra.append(noStore) }
        if tls { extra.append(strictTransportSecurity) }
        if isHTML && !hasPolicy { extra.append(policy) }
        if setByRoute {
            for field in extra { headers[field.name] = field.value }
        } else {
            added.append(contentsOf: extra)
        }
    }
}
