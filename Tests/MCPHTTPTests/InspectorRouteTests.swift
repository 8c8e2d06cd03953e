import Foundation
import MCPHTTP
import MCPTesting
import Testing

@Suite("Inspector page")
struct InspectorRouteTests {
    @Test func servesThePageItsScriptAndStyleUnderAStrictPolicy() async throws {
        try await withServer({ $0.inspector = true }) { server in
            let page = try await server.client.send("GET", "/inspector")
            #expect(page.status == 200)
            #expect(page.header("content-type") == "text/html; charset=utf-8")
            #expect(page.text.contains(#"data-mcp-path="/mcp""#))
            #expect(page.text.contains(#"<script src="/inspector/app.js"></script>"#))
            // No inline code: every script and style comes from this origin as its own answer.
            #expect(!page.text.contains("<script>") && !page.text.contains("<style"))
            #expect(page.text.range(of: #"\son[a-z]+="#, options: .regularExpression) == nil)
            let policy = try #require(page.header("content-security-policy"))
            #expect(policy.contains("script-src 'self'"))
            #expect(policy.contains("connect-src 'self'"))
            #expect(policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval") && !policy.contains("*"))
            #expect(page.headers("content-security-policy").count == 1)
            #expect(page.header("x-content-type-options") == "nosniff")

            let script = try await server.client.send("GET", "/inspector/app.js")
            #expect(script.status == 200)
            #expect(script.header("content-type") == "text/javascript; charset=utf-8")
            #expect(script.text.contains("\"2026-07-28\""))
            #expect(script.text.contains("progressToken"))
            #expect(script.header("content-security-policy") != nil)
            #expect(!script.text.contains("innerHTML"))

            let style = try await server.client.send("GET", "/inspector/app.css")
            #expect(style.status == 200)
            #expect(style.header("content-type") == "text/css; charset=utf-8")

            let status = try await server.client.send("GET", "/")
            #expect(status.text.contains(#"<a href="/inspector">"#))
        }
    }

    @Test func isNotServedUnlessEnabled() async throws {
        try await withServer { server in
            for path in ["/inspector", "/inspector/app.js", "/inspector/app.css"] {
                let status = try await server.client.send("GET", path).status
                #expect(status == 404, "\(path)")
            }
            let statusPage = try await server.client.send("GET", "/").text
            #expect(!statusPage.contains("/inspector"))
        }
    }

    @Test func thePageLoadsWithoutTheAPIKeyButTheEndpointStillNeedsIt() async throws {
        try await withServer({
            $0.inspector = true
            $0.apiKey = "s3cret-key"
        }) { server in
            for path in ["/inspector", "/inspector/app.js", "/inspector/app.css"] {
                let status = try await server.client.send("GET", path).status
                #expect(status == 200, "\(path)")
            }
            let tools = try await server.client.send("GET", "/api/v1/tools").status
            let other = try await server.client.send("GET", "/inspector/other").status
            #expect(tools == 401 && other == 401)
        }
    }

    @Test func theStatusPageKeepsTheDefaultPolicy() async throws {
        try await withServer({ $0.inspector = true }) { server in
            let status = try await server.client.send("GET", "/")
            let policy = try #require(status.header("content-security-policy"))
            #expect(policy.hasPrefix("default-src 'none'; style-src 'unsafe-inline'"))
            #expect(!policy.contains("script-src"))
        }
    }
}
