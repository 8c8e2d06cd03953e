import Atomics
import HTTPTypes

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The `Date` header value (IMF-fixdate), formatted once a second instead of once a request.
/// Reads are a lock-free atomic load.
final class DateHeader: Sendable {
    final class Value: AtomicReference, Sendable {
        let text: String
        let second: Int
        /// The whole header field, validated once.
        let field: HTTPField

        init(second: Int) {
            self.second = second
            var time = time_t(second)
            var parts = tm()
            gmtime_r(&time, &parts)
            let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            text =
                "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
            field = HTTPField(name: .date, value: text)
        }
    }

    private let current = ManagedAtomic(Value(second: time(nil)))

    /// The header for now; formatted again when the second changed.
    var value: String { now.text }

    /// The `Date` field for now.
    var field: HTTPField { now.field }

    private var now: Value {
        let now = time(nil)
        let cached = current.load(ordering: .acquiring)
        if cached.second == now { return cached }
        let fresh = Value(second: now)
        current.store(fresh, ordering: .releasing)
        return fresh
    }
}
