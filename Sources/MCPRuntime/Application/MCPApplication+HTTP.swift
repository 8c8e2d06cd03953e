import Logging
public import MCPHTTP
import MCPOAuth

extension MCPApplication {
    /// The HTTP settings these server settings imply, listening as `listener` says.
    public func httpConfiguration(listener: HTTPConfiguration.Listener) -> HTTPConfiguration {
        var http = HTTPConfiguration()
        http.listener = listener
        http.mcpPath = settings.mcpPath
        http.legacySSE = settings.transport == .sse
        http.statelessHTTP = settings.statelessHTTP
        http.inspector = settings.inspector && settings.transport != .stdio
        http.allowedOrigins = settings.allowedOrigins
        http.allowedHosts = settings.allowedHosts
        http.corsOrigins = settings.corsOrigins
        http.trustedProxies = (try? TrustedProxies(settings.forwardedAllowIPs)) ?? .none
        http.apiKey = settings.apiKey
        let scheme = settings.tlsCertificateFile == nil ? "http" : "https"
        let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
        http.protectedResource = settings.oauth.protectedResource(
            mcpPath: settings.mcpPath, fallbackURL: "\(scheme)://\(host):\(settings.port)")
        http.metricsRequireAuth = settings.metricsRequireAuth
        http.rateLimitRequests = settings.rateLimitRequests
        http.rateLimitWindowSeconds = settings.rateLimitWindow
        http.maxBodySize = settings.maxBodySize
        http.maxHeaderBytes = settings.maxHeaderBytes
        http.maxHeaderCount = settings.maxHeaderCount
        http.keepAliveTimeout = settings.keepAliveTimeout
        http.maxConnections = settings.maxConnections
        http.bodyReadTimeout = .milliseconds(Int(settings.bodyTimeout * 1000))
        http.sseKeepAliveInterval = settings.sseKeepAliveInterval
        http.sessionIdleTTL = settings.sessionIdleTTL
        http.maxSessions = settings.maxSessions
        http.replayBufferSize = settings.replayBufferSize
        http.sessionKey = settings.keys.secretKey.map(SessionSealer.key(fromSecret:))
        http.sealingKeyConfigured = settings.keys.secretKey != nil
        settings.applySessionLifetime(to: &http)
        http.tlsCertificateFile = settings.tlsCertificateFile
        http.tlsKeyFile = settings.tlsKeyFile
        http.environmentName = settings.environment.rawValue
        http.transportName = settings.transport.rawValue
        return http
    }

    /// Fetches the authorization server's keys in the background at start-up, so the first
    /// request with a token does not wait, and a wrong `OAUTH_ISSUER` shows in the log at once.
    func warmUpOAuth(_ configuration: HTTPConfiguration, logger: Logger) {
        #if OAuth
            guard let resource = configuration.protectedResource,
                let validator = resource.validator as? OAuthTokenValidator
            else { return }
            Task {
                do {
                    try await validator.warmUp()
                    logger.info(
                        "OAuth: the authorization server's keys are loaded",
                        metadata: [
                            "oauth.issuer": "\(resource.authorizationServers.joined(separator: ","))",
                            "oauth.resource": "\(resource.resource)",
                        ])
                } catch {
                    logger.error(
                        "OAuth: cannot load the authorization server's keys; requests with a token get 503 until it answers",
                        metadata: ["error": "\(error)"])
                }
            }
        #endif
    }
}
