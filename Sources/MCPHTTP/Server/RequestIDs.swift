import Synchronization

/// `X-Request-ID` values: a caller's id is kept when it is short and plain (so it can never
/// split a header or forge a log line), otherwise a new one is minted.
enum RequestIDs {
    static func accept(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count) else { return nil }
        let plain = value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
                return true
            default: return false
            }
        }
        return plain ? value : nil
    }

    /// Drawn once per process: a minted id is this prefix (its 16 hex digits, made once) and a
    /// scrambled count, unique without a system call per request (two `getrandom` calls each
    /// before), written in one pass into one string.
    private static let prefix: [UInt8] = {
        var generator = SystemRandomNumberGenerator()
        return hexDigits(of: generator.next())
    }()
    private static let key: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()
    private static let minted = Atomic<UInt64>(0)

    static func mint() -> String {
        let count = scrambled(minted.wrappingAdd(1, ordering: .relaxed).newValue &+ key)
        return String(unsafeUninitializedCapacity: 32) { text in
            for index in 0..<16 { text[index] = prefix[index] }
            writeHex(count, into: UnsafeMutableBufferPointer(rebasing: text[16...]))
            return 32
        }
    }

    /// splitmix64's finaliser: a bijection, so distinct counts give distinct ids, and an id does
    /// not show how many requests came before it.
    static func scrambled(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
        return mixed ^ (mixed >> 31)
    }

    /// `value` as 16 lower-case hex digits, zero-padded.
    static func hexDigits(of value: UInt64) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 16) { digits, count in
            writeHex(value, into: UnsafeMutableBufferPointer(rebasing: digits[0..<16]))
            count = 16
        }
    }

    private static func writeHex(_ value: UInt64, into digits: UnsafeMutableBufferPointer<UInt8>) {
        for index in 0..<16 {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * index)) & 0xF
            digits[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
        }
    }
}
