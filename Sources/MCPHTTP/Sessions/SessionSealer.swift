import Crypto
import Foundation
package import MCPCore

/// What a handshake-era session id carries: everything `initialize` negotiated that never
/// changes, bound to the credential that created it. Sealed (ChaCha20-Poly1305) with a key
/// every worker process of the server shares, so any worker can open any session without
/// asking another one (DESIGN: "state that must cross requests is sealed by a key all workers
/// share").
package struct SealedSession: Sendable, Equatable {
    /// 128 random bits: the key of the session's mutable state (activity, log level, end).
    package let token: String
    /// What `initialize` negotiated; the sealed log level is the one at creation.
    package let state: SessionState
    /// The ``Principal/id`` of the caller that created the session (`key:<fingerprint>`,
    /// `oauth:<issuer>#<subject>`; at most 128 bytes kept), "" for an anonymous caller.
    package let principal: String
    /// The server instance that minted the session (its registry's ``SessionRegistry/origin``).
    package let origin: String
    /// When the session was minted (seconds since 1970); it ends `SESSION_MAX_AGE` later.
    package let issuedAt: Double
}

/// Mints and opens session ids: `<128 random bits>.<nonce + sealed state>`, base64url, so
/// only visible ASCII (HTTP-L-1). A tampered or foreign id does not open.
///
/// Ids stay small whatever the client sends in `initialize`: only what the server needs is
/// sealed — `clientInfo`'s name, version and title (at most ``maxInfoFieldBytes`` each) and
/// the client's capabilities up to ``maxCapabilitiesBytes`` of JSON (a capability whose
/// details do not fit is kept as declared, `{}`). An id is at most about 1.6 KB.
package struct SessionSealer: Sendable {
    private let key: SymmetricKey

    /// - Parameter key: 32 bytes shared by every worker; nil makes a random one (one process only).
    package init(key: [UInt8]?) {
        if let key, key.count == 32 {
            self.key = SymmetricKey(data: key)
        } else {
            self.key = SymmetricKey(size: .bits256)
        }
    }

    /// A 32-byte key derived from a configured secret.
    package static func key(fromSecret secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array("mcp-session-key:\(secret)".utf8)))
    }

    /// Bytes of each `clientInfo` field kept in an id.
    package static let maxInfoFieldBytes = 128
    /// Bytes of JSON of the client capabilities kept in an id.
    package static let maxCapabilitiesBytes = 512

    /// A new session id for `state`, bound to `principal`, minted by server instance `origin` at
    /// `issuedAt` (seconds since 1970).
    package func seal(_ state: SessionState, principal: String, origin: String, issuedAt: Double) -> String {
        var random = SystemRandomNumberGenerator()
        let token = Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
        var payload: JSONObject = [
            "t": .string(token), "v": .string(state.version.rawValue),
            "c": .object(Self.sealable(capabilities: state.clientCapabilities)),
            "i": .object(Self.sealable(clientInfo: state.clientInfo)),
            "p": .string(LogSafe.clipBytes(principal, to: 128)),
            "o": .string(LogSafe.clipBytes(origin, to: 64)), "a": .int(Int(issuedAt)),
        ]
        if let level = state.logLevel { payload.append("l", .string(level.rawValue)) }
        let plaintext = JSONWriter.bytes(.object(payload))
        // Sealing with a fresh random nonce cannot fail for a valid key.
        let box = try! ChaChaPoly.seal(plaintext, using: key)
        return token + "." + Base64URL.encode(Array(box.combined))
    }

    /// The session an id names, or nil when it is malformed, tampered with or sealed by another key.
    package func open(_ id: String) -> SealedSession? {
        guard id.utf8.count <= 4096, let dot = id.firstIndex(of: "."),
            let combined = Base64URL.decode(String(id[id.index(after: dot)...])),
            let box = try? ChaChaPoly.SealedBox(combined: combined),
            let plaintext = try? ChaChaPoly.open(box, using: key),
            let payload = try? JSONParser.parse(plaintext),
            case .string(let token) = payload["t"] ?? .null, token == id[..<dot],
            let version = payload["v"]?.stringValue.flatMap(ProtocolVersion.init(rawValue:)),
            let principal = payload["p"]?.stringValue,
            let issuedAt = payload["a"]?.intValue
        else { return nil }
        let state = SessionState(
            version: version, clientCapabilities: payload["c"]?.objectValue ?? [:],
            clientInfo: payload["i"]?.objectValue ?? [:],
            logLevel: payload["l"]?.stringValue.flatMap(LoggingLevel.init(rawValue:)))
        return SealedSession(
            token: token, state: state, principal: principal, origin: payload["o"]?.stringValue ?? "",
            issuedAt: Double(issuedAt))
    }

    /// The client capabilities as an id keeps them: whole while they fit ``maxCapabilitiesBytes``,
    /// then each further capability as declared without its details, as long as that fits.
    static func sealable(capabilities: JSONObject) -> JSONObject {
        var kept = JSONObject()
        var size = 2
        for (key, value) in JSONValue.object(capabilities).uniquingKeys().objectValue ?? [:] {
            let keyBytes =
                JSONWriter.encodedLength(of: .string(key), limit: maxCapabilitiesBytes) ?? maxCapabilitiesBytes
            let whole = JSONWriter.encodedLength(of: value, limit: maxCapabilitiesBytes) ?? maxCapabilitiesBytes
            if size + keyBytes + 2 + whole <= maxCapabilitiesBytes {
                kept.append(key, value)
                size += keyBytes + 2 + whole
            } else if size + keyBytes + 4 <= maxCapabilitiesBytes {
                kept.append(key, [:])
                size += keyBytes + 4
            }
        }
        return kept
    }

    /// `text` cut where its JSON encoding (escapes included, quotes excluded) would pass `limit` bytes.
    static func clipped(_ text: String, encodedBytes limit: Int) -> String {
        guard JSONWriter.encodedLength(of: .string(text), limit: limit + 2) == nil else { return text }
        var used = 0
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let cost = JSONWriter.encodedLength(of: .string(String(scalar)), limit: 16)! - 2
            guard used + cost <= limit else { break }
            used += cost
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// `clientInfo` as an id keeps it: name, version and title, each clipped to ``maxInfoFieldBytes``
    /// of JSON.
    static func sealable(clientInfo: JSONObject) -> JSONObject {
        var kept = JSONObject()
        for key in ["name", "version", "title"] {
            if case .string(let text) = clientInfo[key] ?? .null {
                kept.append(key, .string(clipped(text, encodedBytes: maxInfoFieldBytes)))
            }
        }
        return kept
    }
}
