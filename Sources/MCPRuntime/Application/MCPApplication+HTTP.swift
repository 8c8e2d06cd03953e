import Logging
import MCPHTTP
import MCPOAuth

extension MCPApplication {
    /// The HTTP settings these server settings imply, listening as `listener` says.
    func httpConfiguration(listener: HTTPConfiguration.Listener) -> HTTPConfiguration {
        var http = HTTPConfiguration()
        http.listener = listener
        http.mcpPath = settings.http.mcpPath
        http.legacySSE = settings.transport == .sse
        http.statelessHTTP = settings.http.statelessHTTP
        http.inspector = settings.inspector && settings.transport != .stdio
        http.allowedOrigins = settings.edge.allowedOrigins
        http.allowedHosts = settings.edge.allowedHosts
        http.corsOrigins = settings.edge.corsOrigins
        http.trustedProxies = (try? TrustedProxies(settings.edge.forwardedAllowIPs)) ?? .none
        http.apiKey = settings.apiKey
        let scheme = settings.http.tlsCertificateFile == nil ? "http" : "https"
        let host = settings.http.host.contains(":") ? "[\(settings.http.host)]" : settings.http.host
        http.protectedResource = settings.oauth.protectedResource(
            mcpPath: settings.http.mcpPath, fallbackURL: "\(scheme)://\(host):\(settings.http.port)")
        http.metricsRequireAuth = settings.metrics.requireAuth
        http.rateLimitRequests = settings.edge.rateLimitRequests
        http.rateLimitWindowSeconds = settings.edge.rateLimitWindow
        http.maxBodySize = settings.http.maxBodySize
        http.maxHeaderBytes = settings.http.maxHeaderBytes
        http.maxHeaderCount = settings.http.maxHeaderCount
        http.keepAliveTimeout = settings.http.keepAliveTimeout
        http.maxConnections = settings.http.maxConnections
        http.bodyReadTimeout = .milliseconds(Int(settings.http.bodyTimeout * 1000))
        http.sseKeepAliveInterval = settings.http.sseKeepAliveInterval
        http.sessionIdleTTL = settings.sessions.idleTTL
        http.maxSessions = settings.sessions.maxSessions
        http.replayBufferSize = settings.sessions.replayBufferSize
        http.sessionKey = settings.keys.secretKey.map(SessionSealer.key(fromSecret:))
        http.sealingKeyConfigured = settings.keys.secretKey != nil
        http.sessionMaxAge = settings.sessions.maxAge
        http.tlsCertificateFile = settings.http.tlsCertificateFile
        http.tlsKeyFile = settings.http.tlsKeyFile
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
