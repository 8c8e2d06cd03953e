import HTTPTypes
import Hummingbird
import MCPCore

/// Serves the Protected Resource Metadata (RFC 9728) at both of its paths, open to everyone:
/// it is how a client that got a 401 finds the authorization server.
struct ProtectedResourceRoutes {
    let resource: ProtectedResource
    let mcpPath: String

    func register(on router: Router<MCPRequestContext>) {
        let document = JSONWriter.bytes(.object(resource.metadata))
        for path in ProtectedResource.metadataPaths(mcpPath: mcpPath) {
            router.get(RouterPath(path)) { _, _ in
                HTTPMessages.json(document, status: .ok, headers: [.cacheControl: "max-age=300"])
            }
        }
    }
}
