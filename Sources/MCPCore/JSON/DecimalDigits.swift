/// Decimal digits of whole numbers, written into memory without building a `String`: the JSON
/// writer's integers, the size counter's, and the log lines' zero-padded fields share it.
package enum DecimalDigits {
    /// How many digits `value` takes, at least `width`.
    @inlinable
    package static func count(_ value: UInt, width: Int = 1) -> Int {
        var count = 1
        var left = value / 10
        while left > 0 {
            count += 1
            left /= 10
        }
        return Swift.max(count, width)
    }

    /// Writes `value` as exactly `count` digits at `out`, zeros on the left (the highest digits
    /// are cut when `count` is too small; ``count(_:width:)`` gives the right one).
    @inlinable
    package static func write(_ value: UInt, count: Int, to out: UnsafeMutablePointer<UInt8>) {
        var rest = value
        for index in stride(from: count - 1, through: 0, by: -1) {
            out[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
    }
}
