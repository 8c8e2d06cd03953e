import Crypto

/// The keys that seal what a client carries between requests (a `requestState`, and in the
/// HTTP layer the session ids): one current key, which seals, and previous ones still
/// accepted while a rotation rolls through the workers and replicas.
///
/// Every worker and replica must hold the same ring — configure it from `SECRET_KEY` (and
/// `SECRET_KEY_PREVIOUS`). A ring made up at start-up (``generated()``) works in one process
/// only, and says so: `isGenerated`.
public struct KeyRing: Sendable {
    let current: SymmetricKey
    let previous: [SymmetricKey]
    /// True when the current key was made up at start-up rather than configured.
    package let isGenerated: Bool

    /// A ring derived from configured secrets (HKDF-SHA256); `previous` are still accepted.
    public init(secret: String, previous: [String] = []) {
        current = Self.derive(secret)
        self.previous = previous.map(Self.derive)
        isGenerated = false
    }

    /// A random key for this process alone.
    public static func generated() -> KeyRing { KeyRing(random: ()) }

    /// A ring of one key made up at start-up by a supervisor and handed to its workers: shared
    /// by this server's processes, by no other server's (`isGenerated` is true).
    package init(madeUpKey: [UInt8]) {
        current = madeUpKey.count == 32 ? SymmetricKey(data: madeUpKey) : SymmetricKey(size: .bits256)
        previous = []
        isGenerated = true
    }

    private init(random: Void) {
        current = SymmetricKey(size: .bits256)
        previous = []
        isGenerated = true
    }

    private static func derive(_ secret: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Array(secret.utf8)), info: Array("mcp key ring v1".utf8),
            outputByteCount: 32)
    }

    /// `plaintext` sealed (ChaCha20-Poly1305, fresh nonce) as base64url. `purpose` is bound
    /// in as authenticated data, so what was sealed for one use never opens for another.
    package func seal(_ plaintext: [UInt8], purpose: String) -> String {
        // Sealing with a fresh random nonce cannot fail for a 256-bit key.
        let box = try! ChaChaPoly.seal(plaintext, using: current, authenticating: Array(purpose.utf8))
        return Base64URL.encode(Array(box.combined))
    }

    /// The plaintext, when `sealed` was sealed by a key of this ring for `purpose`; nil when it
    /// is malformed, tampered with, or foreign.
    package func open(_ sealed: String, purpose: String) -> [UInt8]? {
        guard let combined = Base64URL.decode(sealed), let box = try? ChaChaPoly.SealedBox(combined: combined) else {
            return nil
        }
        for key in [current] + previous {
            if let plaintext = try? ChaChaPoly.open(box, using: key, authenticating: Array(purpose.utf8)) {
                return Array(plaintext)
            }
        }
        return nil
    }
}
