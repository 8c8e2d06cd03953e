#if OAuth
    import Foundation
    import Hummingbird
    import Synchronization

    /// A stand-in authorization server on loopback: no RFC 8414 document (404), OpenID Connect
    /// discovery, and a JWKS whose keys a test changes, counting how often the keys are fetched.
    final class KeyServer: Sendable {
        let keys: Mutex<[String]>
        let fetches = Mutex(0)
        let reachable = Mutex(true)
        /// Introspection answers by token (RFC 7662); unknown tokens are inactive.
        let introspection = Mutex<[String: String]>([:])
        let introspections = Mutex(0)
        /// `client_secret_basic` of the resource server's client.
        static let clientAuthorization = "Basic " + Data("rs-client:rs-secret".utf8).base64EncodedString()
        private let boundPort = Mutex(0)
        private let running = Mutex<Task<Void, any Error>?>(nil)

        var port: Int { boundPort.withLock { $0 } }
        var issuer: String { "http://127.0.0.1:\(port)/issuer" }
        var fetchCount: Int { fetches.withLock { $0 } }

        init(keys: [String]) {
            self.keys = Mutex(keys)
        }

        /// Starts serving; returns once the port is known.
        func start() async {
            let router = Router()
            router.get("/.well-known/oauth-authorization-server/issuer") { _, _ in Response(status: .notFound) }
            router.get("/issuer/.well-known/openid-configuration") { _, _ in
                self.json(#"{"issuer":"\#(self.issuer)","jwks_uri":"http://127.0.0.1:\#(self.port)/jwks"}"#)
            }
            router.get("/jwks") { _, _ in
                guard self.reachable.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
                self.fetches.withLock { $0 += 1 }
                return self.json(#"{"keys":[\#(self.keys.withLock { $0 }.joined(separator: ","))]}"#)
            }
            router.post("/introspect") { request, context in
                guard request.headers[.authorization] == Self.clientAuthorization else {
                    return Response(status: .unauthorized)
                }
                self.introspections.withLock { $0 += 1 }
                let form = String(buffer: try await request.body.collect(upTo: 65_536))
                let token = form.split(separator: "&").first { $0.hasPrefix("token=") }.map { String($0.dropFirst(6)) }
                let answer = token.flatMap { token in self.introspection.withLock { $0[token] } }
                return self.json(answer ?? #"{"active":false}"#)
            }
            let (ports, gotPort) = AsyncStream.makeStream(of: Int.self)
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in gotPort.yield(channel.localAddress?.port ?? 0) })
            running.withLock { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
            for await port in ports {
                boundPort.withLock { $0 = port }
                return
            }
        }

        func stop() {
            running.withLock { $0?.cancel() }
        }

        private func json(_ text: String) -> Response {
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
#endif
