/// Finds a byte string in a text in linear time (Knuth–Morris–Pratt), whatever the input: no
/// pattern makes it backtrack. Occurrences are reported left to right without overlaps, as
/// Python's `str.replace` finds them.
struct LiteralSearch {
    /// Patterns longer than this are refused (the failure table costs 4 bytes per pattern byte).
    static let maxPatternBytes = 64 * 1024

    let pattern: [UInt8]
    private let failure: [Int32]

    init(_ pattern: [UInt8]) {
        self.pattern = pattern
        var failure = [Int32](repeating: 0, count: pattern.count)
        var length = 0
        var index = 1
        while index < pattern.count {
            if pattern[index] == pattern[length] {
                length += 1
                failure[index] = Int32(length)
                index += 1
            } else if length > 0 {
                length = Int(failure[length - 1])
            } else {
                index += 1
            }
        }
        self.failure = failure
    }

    /// Calls `body` with the offset of each occurrence in `text`.
    func forEachOccurrence(in text: UnsafeBufferPointer<UInt8>, _ body: (Int) throws -> Void) rethrows {
        guard !pattern.isEmpty else { return }
        var matched = 0
        for (offset, byte) in text.enumerated() {
            while matched > 0 && byte != pattern[matched] { matched = Int(failure[matched - 1]) }
            if byte == pattern[matched] { matched += 1 }
            if matched == pattern.count {
                try body(offset + 1 - pattern.count)
                matched = 0
            }
        }
    }
}
