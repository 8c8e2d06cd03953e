import Crypto
import Foundation
public import MCPCore

/// What a handshake-era session id carries: everything `initialize` negotiated that never
/// changes, bound to the credential that created it. Sealed (ChaCha20-Poly1305) with a key
/// every worker process of the server shares, so any worker can open any session without
/// asking another one (DESIGN: "state that must cross requests is sealed by a key all workers
/// share").
public struct SealedSession: Sendable, Equatable {
    /// 128 random bits: the key of the session's mutable state (activity, log level, end).
    public let token: String
    public let state: SessionState
    /// Hash of the credential that created the session ("" when authentication is off).
    public let principal: String
    /// The server instance that minted the session (its registry's ``SessionRegistry/origin``).
    public let origin: String
}

/// Mints and opens session ids: `<128 random bits>.<nonce + sealed state>`, base64url, so
/// only visible ASCII (HTTP-L-1). A tampered or foreign id does not open.
public struct SessionSealer: Sendable {
    private let key: SymmetricKey

    /// - Parameter key: 32 bytes shared by every worker; nil makes a random one (one process only).
    public init(key: [UInt8]?) {
        if let key, key.count == 32 {
            self.key = SymmetricKey(data: key)
        } else {
            self.key = SymmetricKey(size: .bits256)
        }
    }

    /// A 32-byte key derived from a configured secret.
    public static func key(fromSecret secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array("mcp-session-key:\(secret)".utf8)))
    }

    /// A new session id for `state`, bound to `principal`, minted by server instance `origin`.
    public func seal(_ state: SessionState, principal: String, origin: String) -> String {
        var random = SystemRandomNumberGenerator()
        let token = Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
        var payload: JSONObject = [
            "t": .string(token), "v": .string(state.version.rawValue), "c": .object(state.clientCapabilities),
            "i": .object(state.clientInfo), "p": .string(principal), "o": .string(origin),
        ]
        if let level = state.logLevel { payload.append("l", .string(level.rawValue)) }
        let plaintext = JSONWriter.bytes(.object(payload))
        // Sealing with a fresh random nonce cannot fail for a valid key.
        let box = try! ChaChaPoly.seal(plaintext, using: key)
        return token + "." + Base64URL.encode(Array(box.combined))
    }

    /// The session an id names, or nil when it is malformed, tampered with or sealed by another key.
    public func open(_ id: String) -> SealedSession? {
        guard id.utf8.count <= 4096, let dot = id.firstIndex(of: "."),
            let combined = Base64URL.decode(String(id[id.index(after: dot)...])),
            let box = try? ChaChaPoly.SealedBox(combined: combined),
            let plaintext = try? ChaChaPoly.open(box, using: key),
            let payload = try? JSONParser.parse(plaintext),
            case .string(let token) = payload["t"] ?? .null, token == id[..<dot],
            let version = payload["v"]?.stringValue.flatMap(ProtocolVersion.init(rawValue:)),
            let principal = payload["p"]?.stringValue
        else { return nil }
        let state = SessionState(
            version: version, clientCapabilities: payload["c"]?.objectValue ?? [:],
            clientInfo: payload["i"]?.objectValue ?? [:],
            logLevel: payload["l"]?.stringValue.flatMap(LoggingLevel.init(rawValue:)))
        return SealedSession(
            token: token, state: state, principal: principal, origin: payload["o"]?.stringValue ?? "")
    }
}
