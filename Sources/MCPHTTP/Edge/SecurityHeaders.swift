import HTTPTypes

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

    /// What almost every answer gets, built once.
    static let usual = [nosniff, frameOptions, referrerPolicy, noStore]
    static let usualUnderTLS = usual + [strictTransportSecurity]
    /// The same as header lines, ready to copy into an answer.
    static let usualLines = lines(usual)
    static let usualLinesUnderTLS = lines(usualUnderTLS)

    /// What an answer gets besides its own fields.
    enum Addition {
        /// The usual fields, as ``usualLines`` (or ``usualLinesUnderTLS``).
        case usual(String)
        /// These fields, each in place of any field of the same name the route set.
        case fields([HTTPField])
    }

    /// The security headers an answer whose own fields are `summary` gets. When the route set
    /// none of them, no `Cache-Control` and no HTML (nearly always) that is the usual block;
    /// otherwise the route's `Cache-Control` and `Content-Security-Policy` are kept and the
    /// others are replaced.
    static func addition(for summary: ResponseFieldSummary, tls: Bool) -> Addition {
        if !summary.cacheControl && !summary.html && !summary.securitySetByRoute {
            return .usual(tls ? usualLinesUnderTLS : usualLines)
        }
        var extra = [nosniff, frameOptions, referrerPolicy]
        if !summary.cacheControl { extra.append(noStore) }
        if tls { extra.append(strictTransportSecurity) }
        if summary.html && !summary.policy { extra.append(policy) }
        return .fields(extra)
    }

    private static func lines(_ fields: [HTTPField]) -> String {
        fields.map { "\($0.name.rawName): \($0.value)\r\n" }.joined()
    }
}
