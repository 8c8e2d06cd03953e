#if OAuth
    import Foundation
    import MCPCore

    /// What this server needs from the authorization server's metadata: where its keys are.
    struct IssuerMetadata: Sendable, Equatable {
        var jwksURL: String

        /// The metadata addresses for `issuer`, in the order tried: RFC 8414 (the well-known path
        /// inserted before the issuer's path), then OpenID Connect discovery in both of its forms.
        static func candidates(issuer: String) -> [String] {
            var trimmed = issuer
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            guard let scheme = trimmed.range(of: "://") else { return [trimmed + "/.well-known/openid-configuration"] }
            let afterScheme = trimmed[scheme.upperBound...]
            let pathStart = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
            let origin = String(trimmed[..<pathStart])
            let path = String(trimmed[pathStart...])
            var urls = [origin + "/.well-known/oauth-authorization-server" + path]
            urls.append(trimmed + "/.well-known/openid-configuration")
            if !path.isEmpty { urls.append(origin + "/.well-known/openid-configuration" + path) }
            return urls
        }

        /// The first metadata document that names `issuer` exactly (RFC 8414 §3.3) and a `jwks_uri`.
        static func discover(issuer: String, fetcher: DocumentFetcher) async throws(OAuthSetupError) -> IssuerMetadata {
            var failures: [String] = []
            for url in candidates(issuer: issuer) {
                let document: JSONObject
                do { document = try await fetcher.object(at: url) } catch {
                    // The next address is on the same host: only a missing document is worth a retry.
                    guard error.answered else { throw error }
                    failures.append(error.description)
                    continue
                }
                guard document["issuer"]?.stringValue == issuer else {
                    throw OAuthSetupError(
                        "\(url) names issuer \(document["issuer"]?.stringValue ?? "none"), not \(issuer)")
                }
                guard let jwks = document["jwks_uri"]?.stringValue else {
                    throw OAuthSetupError("\(url) names no jwks_uri (this server validates JWT access tokens)")
                }
                return IssuerMetadata(jwksURL: jwks)
            }
            throw OAuthSetupError("no metadata for issuer \(issuer): " + failures.joined(separator: "; "))
        }
    }
#endif
