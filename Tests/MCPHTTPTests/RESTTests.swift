import Foundation
import MCPCore
import MCPTesting
import Testing

@testable import MCPHTTP

/// The REST side door, answered from the live registry.
@Suite("REST side door")
struct RESTTests {
    @Test func healthReadyAndInfo() async throws {
        try await withServer { server in
            let health = try await server.client.send("GET", "/health")
            #expect(health.json?["status"] == "healthy")
            #expect(health.json?["version"] == "9.9.9")
            #expect(health.json?["pid"]?.intValue == Int(getpid()))
            #expect(health.json?["uptime_seconds"]?.doubleValue ?? -1 >= 0)
            #expect(try await server.client.send("GET", "/ready").json?["status"] == "ready")
            let info = try await server.client.send("GET", "/info")
            #expect(info.json?["protocol_versions"]?.arrayValue?.count == 5)
            #expect(info.json?["counts"]?["tools"] == .int(server.toolCount))
            #expect(info.json?["capabilities"]?["tools"] != nil)
        }
    }

    @Test func readinessGoesAwayWhileDraining() async throws {
        let harness = try await HTTPHarness.start()
        harness.service.status.phase = .draining
        #expect(try await harness.client.send("GET", "/ready").status == 503)
        await harness.stop()
    }

    @Test func listsComeFromTheRegistry() async throws {
        try await withServer { server in
            let tools = try await server.client.send("GET", "/api/v1/tools")
            #expect(tools.json?["count"] == .int(server.toolCount))
            #expect(tools.json?["tools"]?.arrayValue?.first?["inputSchema"]?["type"] == "object")
            let resources = try await server.client.send("GET", "/api/v1/resources")
            let registry = server.service.server.registry
            #expect(resources.json?["count"] == .int(registry.resources.count + registry.templates.count))
            let prompts = try await server.client.send("GET", "/api/v1/prompts")
            #expect(prompts.json?["prompts"]?.arrayValue?.count == 8)
        }
    }

    @Test func callsToolsWithStatusCodes() async throws {
        try await withServer { server in
            let ok = try await server.client.send("POST", "/api/v1/tools/add", json: #"{"a":2,"b":3}"#)
            #expect(ok.status == 200)
            #expect(ok.json?["structuredContent"]?["result"] == 5.0)
            let bad = try await server.client.send("POST", "/api/v1/tools/add", json: #"{"a":"x","b":3}"#)
            #expect(bad.status == 422)
            #expect(
                bad.json?["content"]?.arrayValue?.first?["text"] == "Invalid argument 'a': expected number, got string")
            let failed = try await server.client.send("POST", "/api/v1/tools/divide", json: #"{"a":1,"b":0}"#)
            #expect(failed.status == 422)
            #expect(try await server.client.send("POST", "/api/v1/tools/nope", json: "{}").status == 404)
            #expect(try await server.client.send("POST", "/api/v1/tools/add", json: "[1]").status == 400)
            #expect(
                try await server.client.send(
                    "POST", "/api/v1/tools/add", headers: [("Content-Type", "text/plain")], body: Array("{}".utf8)
                ).status == 415)
        }
    }

    @Test func statusCountsRealRequests() async throws {
        try await withServer { server in
            for _ in 0..<3 { _ = try await server.client.send(headers: [accept], json: listBody) }
            let status = try await server.client.send("GET", "/api/v1/status")
            #expect(status.json?["requests_total"]?.intValue ?? 0 >= 3)
            #expect(status.json?["mcp_requests_total"]?.intValue ?? 0 >= 3)
            #expect(status.json?["uptime_seconds"]?.doubleValue ?? -1 >= 0)
        }
    }

    @Test func publishesAnOpenAPIDocumentPerTool() async throws {
        try await withServer { server in
            let document = try await server.client.send("GET", "/openapi.json")
            #expect(document.json?["openapi"] == "3.1.0")
            let paths = try #require(document.json?["paths"]?.objectValue)
            #expect(
                paths["/api/v1/tools/calculate_bmi"]?["post"]?["requestBody"]?["content"]?["application/json"]?[
                    "schema"]?["required"] == ["weight_kg", "height_m"])
            #expect(paths.keys.filter { $0.hasPrefix("/api/v1/tools/") }.count == server.toolCount)
        }
    }

    @Test func servesAStatusPage() async throws {
        try await withServer { server in
            let page = try await server.client.send("GET", "/")
            #expect(page.status == 200)
            #expect(page.header("content-type")?.hasPrefix("text/html") == true)
            #expect(page.text.contains("calculate_bmi"))
            #expect(!page.text.contains("<script"))
        }
    }
}
