import Foundation
import MCPCore

/// The `timestamp` of a log record: UTC, ISO 8601 with milliseconds (`2026-11-29T05:45:12.345Z`),
/// the text Foundation's `.iso8601…time(includingFractionalSeconds: true)` format gives, written
/// with integer arithmetic instead of Foundation's formatter (which cost more than the rest of an
/// access line together).
enum LogTimestamp {
    /// The bytes of a timestamp up to the year 9999.
    static let length = 24

    /// Appends the current time (``length`` bytes).
    static func write(to writer: inout JSONWriter) {
        let (seconds, milliseconds) = current()
        write(seconds: seconds, milliseconds: milliseconds, to: &writer)
    }

    /// Writes the current time (``length`` bytes).
    static func write(to cursor: inout ByteCursor) {
        let (seconds, milliseconds) = current()
        write(seconds: seconds, milliseconds: milliseconds, to: &cursor)
    }

    private static func current() -> (seconds: Int, milliseconds: Int) {
        let milliseconds = Int((Date().timeIntervalSince1970 * 1000).rounded(.down))
        return (milliseconds / 1000, milliseconds % 1000)
    }

    /// Appends the time `seconds` (since 1970, UTC, not before it) plus `milliseconds`.
    static func write(seconds: Int, milliseconds: Int, to writer: inout JSONWriter) {
        // Written into a buffer on the stack and copied into the writer once: a write a byte
        // (with its capacity check) cost more than the arithmetic (every log line).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * length) { text in
            var cursor = ByteCursor(text)
            write(seconds: seconds, milliseconds: milliseconds, to: &cursor)
            writer.writeRaw(UnsafeBufferPointer(rebasing: text[..<cursor.count]))
        }
    }

    /// Writes the time `seconds` (since 1970, UTC, not before it) plus `milliseconds` (``length``
    /// bytes up to the year 9999).
    static func write(seconds: Int, milliseconds: Int, to cursor: inout ByteCursor) {
        let (year, month, day) = civilDate(daysSinceEpoch: seconds / 86_400)
        let secondOfDay = seconds % 86_400
        func put(_ value: Int, width: Int, then separator: Unicode.Scalar) {
            cursor.putDigits(value, width: width)
            cursor.put(UInt8(ascii: separator))
        }
        put(year, width: 4, then: "-")
        put(month, width: 2, then: "-")
        put(day, width: 2, then: "T")
        put(secondOfDay / 3600, width: 2, then: ":")
        put(secondOfDay / 60 % 60, width: 2, then: ":")
        put(secondOfDay % 60, width: 2, then: ".")
        put(milliseconds, width: 3, then: "Z")
    }

    /// Year, month and day of the proleptic Gregorian calendar for a day number (days since
    /// 1970-01-01, ≥ 0): Howard Hinnant's `civil_from_days`.
    static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The current time as text.
    static func now() -> String {
        var writer = JSONWriter(capacity: length)
        write(to: &writer)
        return String(decoding: writer.finish(), as: UTF8.self)
    }
}
