#if OAuth
    import AsyncHTTPClient
    import Foundation
    import MCPCore
    import NIOCore
    import NIOHTTP1

    /// Fetches the authorization server's JSON documents (metadata, JWKS) with async-http-client:
    /// one GET, a timeout, a size limit, `200` and a JSON object or it is an error.
    struct DocumentFetcher: Sendable {
        /// The largest document read; a JWKS or a metadata document is a few KiB.
        static let maxBytes = 512 * 1024

        var timeoutSeconds: Double

        func object(at url: String) async throws(OAuthSetupError) -> JSONObject {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/json")
            let body: ByteBuffer
            let status: UInt
            do {
                let response = try await HTTPClient.shared.execute(
                    request, timeout: .milliseconds(Int64(timeoutSeconds * 1000)))
                status = response.status.code
                body = try await response.body.collect(upTo: Self.maxBytes)
            } catch {
                throw OAuthSetupError("GET \(url) failed: \(error)")
            }
            guard status == 200 else { throw OAuthSetupError("GET \(url) answered \(status)") }
            guard let value = try? JSONParser.parse(Array(body.readableBytesView)), case .object(let object) = value
            else {
                throw OAuthSetupError("GET \(url) did not answer a JSON object")
            }
            return object
        }
    }
#endif
