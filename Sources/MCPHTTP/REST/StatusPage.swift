import MCPCore

/// The small HTML page at `/`: what the server is and offers. Self-contained (no scripts, no
/// external assets), so it works under the strict CSP it is served with.
enum StatusPage {
    static func html(server: MCPServer, configuration: HTTPConfiguration) -> String {
        let info = server.configuration.info
        let registry = server.registry
        let escape = HTMLText.escape
        // `/` is open without the API key (a browser's landing page): with a key configured it
        // names the server only, and the catalogue stays behind the key as on /api/v1/tools.
        let catalogue =
            configuration.apiKey != nil
            ? "<p>The catalogue is listed at <a href=\"/api/v1/tools\">/api/v1/tools</a> with the API key.</p>"
            : catalogueHTML(registry: registry, escape: escape)
        let inspectorLink =
            configuration.inspector
            ? "\n<p>Try the tools in the <a href=\"\(InspectorRoutes.pagePath)\">inspector</a>.</p>" : ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(info.name))</title>
            <style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
            code{background:#f3f3f3;padding:0 .2rem}h1{margin-bottom:.2rem}.meta{color:#666}</style></head>
            <body><h1>\(escape(info.name))</h1>
            <p class="meta">version \(escape(info.version)) · MCP \(ProtocolVersion.supportedNewestFirst.joined(separator: ", ")) · \
            \(escape(configuration.environmentName))</p>
            <p>MCP endpoint: <code>\(escape(configuration.mcpPath))</code> (Streamable HTTP, both protocol eras). \
            Also <a href="/health">/health</a>, <a href="/ready">/ready</a>, <a href="/info">/info</a>, \
            <a href="/api/v1/tools">/api/v1/tools</a>, <a href="/openapi.json">/openapi.json</a>.</p>\(inspectorLink)
            \(catalogue)
            </body></html>
            """
    }

    static func catalogueHTML(registry: Registry, escape: (String) -> String) -> String {
        let tools = registry.tools.map { "<li><code>\(escape($0.name))</code> — \(escape($0.description ?? ""))</li>" }
            .joined()
        let resources = (registry.resources + registry.templates).map { "<li><code>\(escape($0.uri))</code></li>" }
            .joined()
        let prompts = registry.prompts.map {
            "<li><code>\(escape($0.name))</code> — \(escape($0.description ?? ""))</li>"
        }.joined()
        return """
            <h2>Tools (\(registry.tools.count))</h2><ul>\(tools)</ul>
            <h2>Resources (\(registry.resources.count + registry.templates.count))</h2><ul>\(resources)</ul>
            <h2>Prompts (\(registry.prompts.count))</h2><ul>\(prompts)</ul>
            """
    }
}
