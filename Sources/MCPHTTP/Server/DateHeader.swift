import Atomics
import MCPPlatform

/// The `Date` header value (IMF-fixdate), formatted once a second instead of once a request.
/// Reads are a lock-free atomic load.
final class DateHeader: Sendable {
    final class Value: AtomicReference, Sendable {
        let second: Int
        /// The header line an answer carries: `Date: …` and its line end.
        let line: String

        init(second: Int) {
            self.second = second
            let parts = UTCTime(secondsSince1970: second)
            let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let text =
                "\(days[parts.weekday]), \(two(parts.day)) \(months[parts.month]) \(parts.year) "
                + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) GMT"
            line = "Date: \(text)\r\n"
        }
    }

    private let current = ManagedAtomic(Value(second: UTCTime.currentSecond))

    /// The `Date` header line for now; formatted again when the second changed.
    var line: String { now.line }

    private var now: Value {
        let now = UTCTime.currentSecond
        let cached = current.load(ordering: .acquiring)
        if cached.second == now { return cached }
        let fresh = Value(second: now)
        current.store(fresh, ordering: .releasing)
        return fresh
    }
}
