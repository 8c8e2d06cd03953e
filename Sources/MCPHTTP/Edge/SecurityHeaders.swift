import HTTPTypes
import Hummingbird

/// The headers every response carries: no MIME sniffing, no framing, no referrer, no
/// caching of API answers, HSTS under TLS, and a strict CSP on the HTML page.
enum SecurityHeaders {
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    static func apply(to headers: inout HTTPFields, tls: Bool) {
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
        if tls { headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains" }
        if headers[.contentType]?.hasPrefix("text/html") == true {
            headers[.contentSecurityPolicy] = contentSecurityPolicy
        }
    }
}
