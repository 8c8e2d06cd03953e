import Foundation

/// What the system resources share: percentages and the time stamp. The facts themselves come
/// from the platform layer (`HostFacts`: `/proc` and `/sys` on Linux, `sysctl` and Mach on Darwin).
enum SystemProbe {
    /// Percentage rounded to one decimal.
    static func percent(_ part: Double, of whole: Double) -> Double {
        whole > 0 ? (part / whole * 1000).rounded() / 10 : 0
    }

    static var timestamp: String { Date().ISO8601Format() }
}
