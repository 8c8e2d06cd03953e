import MCPCore

/// An OpenAPI 3.1 description of the REST side door, generated from the registry: one
/// `POST /api/v1/tools/{tool}` operation per tool, its request body the tool's input schema
/// and its result's `structuredContent` the tool's output schema.
enum OpenAPIDocument {
    static func make(server: MCPServer, configuration: HTTPConfiguration) -> JSONObject {
        let info = server.configuration.info
        var paths = JSONObject()
        paths.append("/health", get("health", "Liveness: status, version, uptime, process id", ref: "Health"))
        paths.append(
            "/ready",
            get(
                "ready", "Readiness: 200 once started, 503 while starting or draining", ref: "Ready",
                extra: ["503": response("Not ready", ref: "Ready")]))
        paths.append(
            "/info",
            get("info", "Server name, version, environment, transport, protocol versions, capabilities", ref: "Object"))
        paths.append("/api/v1/tools", get("listTools", "Every tool with its schemas", ref: "Object"))
        paths.append("/api/v1/resources", get("listResources", "Every resource and resource template", ref: "Object"))
        paths.append("/api/v1/prompts", get("listPrompts", "Every prompt with its arguments", ref: "Object"))
        paths.append("/api/v1/status", get("status", "Uptime and request counts", ref: "Object"))
        for tool in server.registry.tools {
            var result = JSONObject()
            result.append("type", "object")
            var properties: JSONObject = [
                "tool": ["type": "string"], "content": ["type": "array", "items": ["type": "object"]],
                "isError": ["type": "boolean"],
            ]
            if let output = tool.outputSchema { properties.append("structuredContent", .object(output.json)) }
            result.append("properties", .object(properties))
            result.append("required", ["tool", "content", "isError"])
            var operation: JSONObject = [
                "operationId": .string(
                    "call_" + tool.name.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined())
            ]
            operation.append("summary", .string(tool.title ?? tool.name))
            if let description = tool.description { operation.append("description", .string(description)) }
            operation.append("tags", ["tools"])
            if configuration.protectedResource != nil {
                // OpenAPI 3.1 lets any scheme name the roles (here: OAuth scopes) an operation needs.
                var security: [JSONValue] = [["oauth": .array(tool.scopes.map { .string($0) })]]
                if configuration.apiKey != nil { security += [["bearer": []], ["apiKey": []]] }
                operation.append("security", .array(security))
            }
            operation.append(
                "requestBody",
                ["required": true, "content": ["application/json": ["schema": .object(tool.inputSchema.json)]]])
            operation.append(
                "responses",
                [
                    "200": [
                        "description": "The tool's result",
                        "content": ["application/json": ["schema": .object(result)]],
                    ],
                    "400": response("The body is not a JSON object", ref: "Problem"),
                    "404": response("No such tool", ref: "Problem"),
                    "413": response("The body is too large", ref: "Problem"),
                    "422": [
                        "description": "A tool error (bad arguments included)",
                        "content": ["application/json": ["schema": .object(result)]],
                    ],
                ])
            paths.append("/api/v1/tools/\(tool.name)", ["post": .object(operation)])
        }
        var document: JSONObject = [
            "openapi": "3.1.0",
            "info": [
                "title": .string(info.name), "version": .string(info.version),
                "description":
                    "REST side door of an MCP server: call its tools without an MCP client. The MCP endpoint itself is \(configuration.mcpPath)."
                    .json,
            ],
            "paths": .object(paths),
            "components": .object(
                components(auth: configuration.apiKey != nil, oauth: configuration.protectedResource, configuration)),
        ]
        var security: [JSONValue] = []
        if configuration.protectedResource != nil { security.append(["oauth": []]) }
        if configuration.apiKey != nil { security += [["bearer": []], ["apiKey": []]] }
        if !security.isEmpty { document.append("security", .array(security)) }
        return document
    }

    static func get(_ id: String, _ summary: String, ref: String, extra: JSONObject = [:]) -> JSONValue {
        var responses: JSONObject = ["200": response("OK", ref: ref)]
        for (key, value) in extra { responses.append(key, value) }
        return ["get": ["operationId": .string(id), "summary": .string(summary), "responses": .object(responses)]]
    }

    static func response(_ description: String, ref: String) -> JSONValue {
        [
            "description": .string(description),
            "content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(ref)")]]],
        ]
    }

    static func components(auth: Bool, oauth: ProtectedResource?, _ configuration: HTTPConfiguration) -> JSONObject {
        var components: JSONObject = [
            "schemas": [
                "Object": ["type": "object"],
                "Problem": [
                    "type": "object", "properties": ["error": ["type": "string"], "status": ["type": "integer"]],
                    "required": ["error"],
                ],
                "Health": [
                    "type": "object",
                    "properties": [
                        "status": ["type": "string"], "version": ["type": "string"], "app_name": ["type": "string"],
                        "uptime_seconds": ["type": "number"], "pid": ["type": "integer"],
                    ],
                    "required": ["status", "version", "uptime_seconds", "pid"],
                ],
                "Ready": [
                    "type": "object",
                    "properties": ["status": ["type": "string", "enum": ["starting", "ready", "draining"]]],
                ],
            ]
        ]
        var schemes = JSONObject()
        if let oauth {
            let issuers = oauth.authorizationServers.joined(separator: ", ")
            schemes.append(
                "oauth",
                [
                    "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": .string(
                        "An OAuth 2.1 access token from \(issuers) with audience \(oauth.resource) "
                            + "(metadata: \(oauth.metadataURL(mcpPath: configuration.mcpPath))). "
                            + "An operation lists the scopes it needs."),
                ])
        }
        if auth {
            schemes.append("bearer", ["type": "http", "scheme": "bearer"])
            schemes.append("apiKey", ["type": "apiKey", "in": "header", "name": "X-API-Key"])
        }
        if !schemes.isEmpty { components.append("securitySchemes", .object(schemes)) }
        return components
    }
}

extension String {
    var json: JSONValue { .string(self) }
}
