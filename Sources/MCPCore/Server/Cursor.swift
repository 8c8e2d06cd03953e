/// Opaque pagination cursors that any process of any replica can read: the offset into a list
/// and a fingerprint of the list, so a cursor from another catalogue is rejected (PAGE-1, PAGE-2).
enum PageCursor {
    static func encode(offset: Int, fingerprint: UInt64) -> String {
        Base64URL.encode(Array("\(offset).\(String(fingerprint, radix: 36))".utf8))
    }

    /// The offset a cursor points at, or nil when it is not a cursor of this list.
    static func decode(_ cursor: String, fingerprint: UInt64, count: Int) -> Int? {
        guard cursor.utf8.count <= 64, let bytes = Base64URL.decode(cursor),
            let text = String(validating: bytes, as: UTF8.self)
        else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let offset = Int(parts[0]), offset > 0, offset < count,
            parts[1] == String(fingerprint, radix: 36)
        else { return nil }
        return offset
    }

    /// FNV-1a over the names: the same on every process, unlike `Hasher`.
    static func fingerprint(_ names: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for name in names {
            for byte in name.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            hash ^= 0xFF
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
