/// Streamable HTTP transports (to come).
enum MCPHTTPPlaceholder {}
