import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a 2026-07-28 `input_required` answer hands the client to echo on its retry: the
/// answers gathered so far, bound to the request that asked (method, name, a digest of its
/// params), to the caller, and to an expiry; sealed by the ``KeyRing`` every worker and
/// replica shares, so the retry may land anywhere (MRTR-4, MRTR-6).
struct RequestState: Sendable, Equatable {
    static let purpose = "mcp request state v1"

    var method: String
    var name: String
    var digest: String
    var principal: String
    /// Seconds since 1970.
    var expires: Double
    var responses: JSONObject

    static var now: Double { Date().timeIntervalSince1970 }

    func sealed(with ring: KeyRing) -> String {
        let payload: JSONObject = [
            "m": .string(method), "n": .string(name), "d": .string(digest), "p": .string(principal),
            "e": .double(expires), "r": .object(responses),
        ]
        return ring.seal(JSONWriter.bytes(.object(payload)), purpose: Self.purpose)
    }

    /// The state `text` carries, when a key of `ring` sealed it; nil otherwise.
    static func open(_ text: String, ring: KeyRing) -> RequestState? {
        guard text.utf8.count <= 1 << 20, let plaintext = ring.open(text, purpose: purpose),
            let payload = try? JSONParser.parse(plaintext), let method = payload["m"]?.stringValue,
            let name = payload["n"]?.stringValue, let digest = payload["d"]?.stringValue,
            let principal = payload["p"]?.stringValue, let expires = payload["e"]?.doubleValue,
            let responses = payload["r"]?.objectValue
        else { return nil }
        return RequestState(
            method: method, name: name, digest: digest, principal: principal, expires: expires, responses: responses)
    }

    /// A digest of a request's params without what changes between rounds (`_meta`,
    /// `inputResponses`, `requestState`): keys sorted at every level, SHA-256, base64url.
    static func digest(of params: JSONObject) -> String {
        var stable = params
        for key in ["_meta", "inputResponses", "requestState"] { stable[key] = nil }
        let bytes = JSONWriter.bytes(canonical(.object(stable)))
        return Base64URL.encode(Array(SHA256.hash(data: bytes)).prefix(18))
    }

    private static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.sorted { $0.key < $1.key }.map { ($0.key, canonical($0.value)) }))
        case .array(let items):
            return .array(items.map(canonical))
        default:
            return value
        }
    }
}
