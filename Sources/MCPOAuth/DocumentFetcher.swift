#if OAuth
    import AsyncHTTPClient
    import Foundation
    import MCPCore
    import NIOCore
    import NIOHTTP1

    /// Talks to the authorization server with async-http-client: GETs its documents (metadata,
    /// JWKS) and POSTs introspection requests. One request, a timeout, a size limit, `200` and a
    /// JSON object, or it is an error.
    struct DocumentFetcher: Sendable {
        /// The largest answer read; a JWKS, a metadata document or an introspection answer is a few KiB.
        static let maxBytes = 512 * 1024

        var timeoutSeconds: Double

        func object(at url: String) async throws(OAuthSetupError) -> JSONObject {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/json")
            return try await object(request, "GET \(url)")
        }

        /// POSTs `fields` form-encoded, authenticated with HTTP Basic (`client_secret_basic`).
        func object(
            posting fields: [(String, String)], to url: String, user: String, password: String
        )
            async throws(OAuthSetupError) -> JSONObject
        {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            // RFC 6749 §2.3.1: the client id and secret are form-encoded before Basic encoding.
            let credentials = Self.formEncoded(user) + ":" + Self.formEncoded(password)
            request.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
            let body = fields.map { Self.formEncoded($0.0) + "=" + Self.formEncoded($0.1) }.joined(separator: "&")
            request.body = .bytes(ByteBuffer(string: body))
            return try await object(request, "POST \(url)")
        }

        private func object(_ request: HTTPClientRequest, _ what: String) async throws(OAuthSetupError) -> JSONObject {
            let body: ByteBuffer
            let status: UInt
            do {
                let response = try await HTTPClient.shared.execute(
                    request, timeout: .milliseconds(Int64(timeoutSeconds * 1000)))
                status = response.status.code
                body = try await response.body.collect(upTo: Self.maxBytes)
            } catch {
                throw OAuthSetupError("\(what) failed: \(error)", answered: false)
            }
            guard status == 200 else { throw OAuthSetupError("\(what) answered \(status)") }
            guard let value = try? JSONParser.parse(Array(body.readableBytesView)), case .object(let object) = value
            else {
                throw OAuthSetupError("\(what) did not answer a JSON object")
            }
            return object
        }

        /// `application/x-www-form-urlencoded` text: unreserved characters kept, the rest %XX.
        static func formEncoded(_ text: String) -> String {
            var out = ""
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                    UInt8(ascii: "~"):
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                default:
                    out += String(format: "%%%02X", byte)
                }
            }
            return out
        }
    }
#endif
