extension Duration {
    // Each reads `components` once: it divides a 128-bit count of attoseconds, some 190
    // instructions a time, and the request path reads durations several times a request.

    /// Whole nanoseconds.
    package var inNanoseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }

    /// Whole milliseconds.
    package var inMilliseconds: Int {
        let parts = components
        return Int(parts.seconds) * 1000 + Int(parts.attoseconds / 1_000_000_000_000_000)
    }

    /// Seconds as a `Double`.
    package var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
