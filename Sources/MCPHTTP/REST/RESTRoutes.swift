import Foundation
import HTTPTypes
package import Hummingbird
import Logging
package import MCPCore
import MCPPlatform
import NIOCore

/// The REST side door for platforms without MCP, all answered from the live registry:
/// `/health`, `/ready`, `/info`, `/api/v1/tools|resources|prompts`, `POST /api/v1/tools/{name}`,
/// `/api/v1/status`, `/openapi.json` and the status page at `/`.
package struct RESTRoutes: Sendable {
    let server: MCPServer
    let configuration: HTTPConfiguration
    let status: ServerStatus
    let openAPI: [UInt8]
    let statusPage: ByteBuffer

    /// The REST routes for `server`; the OpenAPI document and the status page are built once, here.
    package init(server: MCPServer, configuration: HTTPConfiguration, status: ServerStatus) {
        self.server = server
        self.configuration = configuration
        self.status = status
        self.openAPI = JSONWriter.bytes(.object(OpenAPIDocument.make(server: server, configuration: configuration)))
        self.statusPage = ByteBuffer(string: StatusPage.html(server: server, configuration: configuration))
    }

    /// Adds every REST route to `router`.
    package func register(on router: Router<MCPRequestContext>) {
        get("/health", on: router) { _, _ in self.health() }
        get("/ready", on: router) { _, _ in self.ready() }
        get("/info", on: router) { _, _ in HTTPMessages.json(self.info()) }
        get("/api/v1/tools", on: router) { _, context in
            HTTPMessages.json(self.tools(for: context.caller ?? .anonymous))
        }
        get("/api/v1/resources", on: router) { _, context in
            HTTPMessages.json(self.resources(for: context.caller ?? .anonymous))
        }
        get("/api/v1/prompts", on: router) { _, context in
            HTTPMessages.json(self.prompts(for: context.caller ?? .anonymous))
        }
        get("/api/v1/status", on: router) { _, _ in HTTPMessages.json(self.statusReport()) }
        router.post("/api/v1/tools/{name}") { request, context in await self.callTool(request, context: context) }
        get("/openapi.json", on: router) { _, _ in HTTPMessages.json(self.openAPI) }
        get("/", on: router) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: self.statusPage))
        }
    }

    /// Serves GET `path`, and HEAD `path` with the same status and fields but no body
    /// (RFC 9110 §9.3.2): load balancers and uptime probes send HEAD to `/health`.
    private func get(
        _ path: RouterPath, on router: Router<MCPRequestContext>,
        _ answer: @escaping @Sendable (Request, MCPRequestContext) async throws -> Response
    ) {
        router.get(path, use: answer)
        router.head(path) { request, context in try await answer(request, context).createHeadResponse() }
    }

    func health() -> Response {
        let info = server.configuration.info
        return HTTPMessages.json([
            "status": "healthy", "version": .string(info.version), "app_name": .string(info.name),
            "environment": .string(configuration.environmentName), "transport": .string(configuration.transportName),
            "uptime_seconds": .double((status.uptimeSeconds * 1000).rounded() / 1000),
            "pid": .int(Int(Processes.currentID)),
        ])
    }

    func ready() -> Response {
        let phase = status.phase
        return HTTPMessages.json(
            [
                "status": .string(phase.name),
                // "generated": sessions and requestState open on this server's processes only.
                "secret_key": configuration.sealingKeyConfigured ? "configured" : "generated",
            ], status: phase == .ready ? .ok : .serviceUnavailable)
    }

    func info() -> JSONValue {
        let info = server.configuration.info
        let registry = server.registry
        return [
            "name": .string(info.name), "version": .string(info.version),
            "environment": .string(configuration.environmentName),
            "transport": .string(configuration.transportName), "mcp_endpoint": .string(configuration.mcpPath),
            "stateless_http": .bool(configuration.statelessHTTP),
            "protocol_versions": .array(ProtocolVersion.supportedNewestFirst.map { .string($0) }),
            "capabilities": .object(MCPServer.capabilities(for: .v2026_07_28)),
            "counts": [
                "tools": .int(registry.tools.count), "resources": .int(registry.resources.count),
                "resource_templates": .int(registry.templates.count), "prompts": .int(registry.prompts.count),
            ],
        ]
    }

    /// The tools `caller`'s scopes allow, as `tools/list` would list them.
    func tools(for caller: Principal) -> JSONValue {
        let tools = server.registry(for: caller).tools.map { JSONValue.object($0.json(for: .v2026_07_28)) }
        return ["tools": .array(tools), "count": .int(tools.count)]
    }

    func resources(for caller: Principal) -> JSONValue {
        let registry = server.registry(for: caller)
        return [
            "resources": .array(registry.resources.map { .object($0.json(for: .v2026_07_28)) }),
            "resource_templates": .array(registry.templates.map { .object($0.json(for: .v2026_07_28)) }),
            "count": .int(registry.resources.count + registry.templates.count),
        ]
    }

    func prompts(for caller: Principal) -> JSONValue {
        let prompts = server.registry(for: caller).prompts.map { JSONValue.object($0.json(for: .v2026_07_28)) }
        return ["prompts": .array(prompts), "count": .int(prompts.count)]
    }

    func statusReport() -> JSONValue {
        let info = server.configuration.info
        return [
            "status": .string(status.phase == .draining ? "draining" : "running"), "app_name": .string(info.name),
            "version": .string(info.version), "environment": .string(configuration.environmentName),
            "transport": .string(configuration.transportName),
            "uptime_seconds": .double((status.uptimeSeconds * 1000).rounded() / 1000),
            "pid": .int(Int(Processes.currentID)),
            "requests_total": .int(status.requests), "errors_total": .int(status.errors),
            "mcp_requests_total": .int(status.mcpRequests),
        ]
    }

    /// `POST /api/v1/tools/{name}` with the arguments as the JSON body. 200 for a result, 422
    /// for a tool error (bad arguments included), 404 for an unknown tool, 400 for a body that
    /// is not a JSON object, 413/415 as on `/mcp`.
    func callTool(_ request: Request, context: MCPRequestContext) async -> Response {
        guard let name = context.parameters.get("name") else { return HTTPMessages.problem(.notFound, "no such tool") }
        if let contentType = request.headers[.contentType], !StreamableHTTPEndpoint.isJSON(contentType) {
            return HTTPMessages.problem(.unsupportedMediaType, "Content-Type must be application/json")
        }
        let caller = context.caller ?? .anonymous
        guard server.registry(for: caller).tool(named: name) != nil else {
            if let scopes = server.scopeChallenge(toolNamed: name, caller: caller),
                let resource = configuration.protectedResource
            {
                return HTTPMessages.problem(
                    .forbidden, "insufficient scope",
                    headers: [
                        .wwwAuthenticate: resource.challenge(
                            mcpPath: configuration.mcpPath, error: "insufficient_scope",
                            description: "more scopes are needed", scope: scopes)
                    ])
            }
            return HTTPMessages.problem(.notFound, "no such tool")
        }
        let body: ByteBuffer
        switch await BodyReader.collect(
            request, limit: configuration.maxBodySize, timeout: configuration.bodyReadTimeout, channel: context.channel)
        {
        case .success(let buffer): body = buffer
        case .failure(let response): return response
        }
        var arguments: JSONObject = [:]
        if body.readableBytes > 0 {
            let parsed = try? body.withUnsafeReadableBytes {
                try JSONParser.parse(UnsafeRawBufferPointer($0), maxDepth: server.configuration.maxJSONDepth)
            }
            guard case .object(let object) = parsed else {
                return HTTPMessages.problem(.badRequest, "the body must be a JSON object of arguments")
            }
            arguments = object
        }
        context.record.update {
            $0.mcpMethod = "tools/call"
            $0.era = .rest
            $0.toolName = name
        }
        let found: ToolResult?
        do {
            found = try await server.callTool(
                named: name, arguments: arguments, caller: caller, logger: context.logger)
        } catch {
            return HTTPMessages.problem(.serviceUnavailable, "the server is busy; retry later")
        }
        guard let result = found else { return HTTPMessages.problem(.notFound, "no such tool") }
        context.record.update { $0.toolFailed = result.isError }
        var answer = result.json(for: .v2026_07_28)
        answer["tool"] = .string(name)
        return HTTPMessages.json(.object(answer), status: result.isError ? .unprocessableContent : .ok)
    }
}
