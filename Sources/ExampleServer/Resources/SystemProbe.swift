import MCPPlatform

/// What the system resources share: percentages and the time stamp. The facts themselves come
/// from the platform layer (`HostFacts`: `/proc` and `/sys` on Linux, `sysctl` and Mach on Darwin).
enum SystemProbe {
    /// Percentage rounded to one decimal.
    static func percent(_ part: Double, of whole: Double) -> Double {
        whole > 0 ? (part / whole * 1000).rounded() / 10 : 0
    }

    /// Now in ISO 8601, UTC, to the second (`2026-12-04T17:29:23Z`, as `Date().ISO8601Format()`
    /// writes it), from the C library's calendar fields rather than Foundation's format style,
    /// which built a formatter on every read of these resources.
    static var timestamp: String {
        let now = UTCTime(secondsSince1970: UTCTime.currentSecond)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(now.year)-\(two(now.month + 1))-\(two(now.day))T\(two(now.hour)):\(two(now.minute)):\(two(now.second))Z"
    }
}
