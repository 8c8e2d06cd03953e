#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Wall-clock seconds and their calendar fields in UTC (`time`, `gmtime_r`).
package struct UTCTime: Sendable, Equatable {
    /// 0 (Sunday) to 6.
    package var weekday: Int
    /// 1 to 31.
    package var day: Int
    /// 0 (January) to 11.
    package var month: Int
    /// The year, e.g. 2026.
    package var year: Int
    package var hour: Int
    package var minute: Int
    /// 0 to 60 (a leap second).
    package var second: Int

    /// Seconds since 1970-01-01 00:00 UTC, now.
    package static var currentSecond: Int { Int(time(nil)) }

    /// The calendar fields of `secondsSince1970`.
    package init(secondsSince1970: Int) {
        var moment = time_t(secondsSince1970)
        var parts = tm()
        gmtime_r(&moment, &parts)
        weekday = Int(parts.tm_wday)
        day = Int(parts.tm_mday)
        month = Int(parts.tm_mon)
        year = Int(parts.tm_year) + 1900
        hour = Int(parts.tm_hour)
        minute = Int(parts.tm_min)
        second = Int(parts.tm_sec)
    }
}
