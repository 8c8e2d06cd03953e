public import MCPHTTP

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
}
