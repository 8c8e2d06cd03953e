/// Makes untrusted text safe to put in a log line or an error message.
package enum LogSafe {
    /// At most `limit` characters of `text`, with an ellipsis when cut.
    package static func clip(_ text: String, to limit: Int) -> String {
        // A text of at most `limit` bytes has at most `limit` characters: no need to count them.
        guard text.utf8.count > limit, text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }

    /// `text` cut to at most `limit` bytes of UTF-8, at a scalar boundary (no ellipsis).
    package static func clipBytes(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var bytes = 0
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            bytes += UTF8.width(scalar)
            guard bytes <= limit else { break }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// `text` with control characters, line and paragraph separators written as escapes, so that
    /// user input cannot forge log lines or colour a terminal.
    package static func escape(_ text: String) -> String {
        // Printable ASCII (the common case) needs nothing: checked byte by byte, without decoding,
        // over the contiguous UTF-8 where there is one (iterating `utf8` costs several times more).
        let printable: (UInt8) -> Bool = { $0 >= 0x20 && $0 < 0x7F }
        guard
            !(text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(printable) } ?? text.utf8.allSatisfy(printable))
        else { return text }
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                switch scalar {
                case "\n": result += "\\n"
                case "\r": result += "\\r"
                case "\t": result += "\\t"
                default: result += "\\u{" + String(scalar.value, radix: 16) + "}"
                }
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
            || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
