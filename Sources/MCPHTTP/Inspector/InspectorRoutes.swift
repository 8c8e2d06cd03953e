import HTTPTypes
package import Hummingbird
import NIOCore

/// The inspector: a page at `/inspector` that lists the server's tools, resources and prompts,
/// renders a form from each tool's input schema and calls it through the MCP endpoint, showing
/// progress and log notifications as they stream, the result, its structured content and the
/// raw JSON. On in development, off in production unless `INSPECTOR=true`.
///
/// The page, its script and its style sheet are separate static answers, so the policy stays
/// strict: scripts and styles from this origin only (no inline code, no `'unsafe-inline'`),
/// requests to this origin only, nothing framed, no forms posted anywhere.
package struct InspectorRoutes: Sendable {
    /// The inspector page's path.
    package static let pagePath = "/inspector"
    /// The path of the page's script.
    package static let scriptPath = "/inspector/app.js"
    /// The path of the page's style sheet.
    package static let stylePath = "/inspector/app.css"
    /// What the API key never guards: the three static answers, which hold no data.
    package static let paths = [pagePath, scriptPath, stylePath]

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    let page: ByteBuffer
    let script = ByteBuffer(string: InspectorAssets.script)
    let style = ByteBuffer(string: InspectorAssets.style)

    /// The inspector for the server named `serverName` (the page title) whose MCP endpoint is at `mcpPath`.
    package init(serverName: String, mcpPath: String) {
        page = ByteBuffer(string: InspectorAssets.page(name: serverName, mcpPath: mcpPath))
    }

    /// Adds the page, script and style-sheet routes (GET) to `router`.
    package func register(on router: Router<MCPRequestContext>) {
        router.get(RouterPath(Self.pagePath)) { _, _ in Self.answer(self.page, type: "text/html; charset=utf-8") }
        router.get(RouterPath(Self.scriptPath)) { _, _ in
            Self.answer(self.script, type: "text/javascript; charset=utf-8")
        }
        router.get(RouterPath(Self.stylePath)) { _, _ in Self.answer(self.style, type: "text/css; charset=utf-8") }
    }

    static func answer(_ body: ByteBuffer, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .contentSecurityPolicy: contentSecurityPolicy, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: body))
    }
}
