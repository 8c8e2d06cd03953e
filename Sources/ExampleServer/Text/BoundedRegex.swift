import Foundation
public import MCPCore

/// Regular expressions that cannot hang a worker: the pattern and text are size-capped, the
/// work runs where the server runs synchronous tools (off the threads serving requests), ICU's
/// progress callback stops the match at a deadline (`REGEX_TIMEOUT`) or when the request is
/// cancelled, and what a match produces is built within a byte limit — the deadline and the
/// limit are checked while the output is assembled, not after. The client sees a tool error.
public struct BoundedRegex: Sendable {
    /// How long a match may run before it is stopped (`REGEX_TIMEOUT`).
    public var timeout: Duration
    /// At most 256 UTF-16 units: Foundation on Linux copies a longer pattern into a heap buffer
    /// that it does not free when the pattern fails to compile (found by `Fuzz/run.sh`:
    /// `_CFRegularExpressionCreate`), so a stream of long invalid patterns would leak. Up to
    /// 256 units it uses a stack buffer.
    public var maxPatternLength = 256
    /// The longest text accepted, in bytes of UTF-8 (default 1 MiB).
    public var maxTextBytes = 1024 * 1024

    /// Limits with a `timeout` (default one second) and the default sizes.
    public init(timeout: Duration = .seconds(1)) {
        self.timeout = timeout
    }

    /// Compiles `pattern` after checking the sizes.
    func expression(_ pattern: String, for text: String) throws(ToolError) -> NSRegularExpression {
        guard pattern.utf16.count <= maxPatternLength else {
            throw ToolError("Pattern is longer than \(maxPatternLength) characters")
        }
        guard text.utf8.count <= maxTextBytes else { throw ToolError("Text is larger than \(maxTextBytes) bytes") }
        do {
            return try NSRegularExpression(pattern: pattern)
        } catch {
            throw ToolError("Invalid regular expression")
        }
    }

    /// Hands every match of `expression` in `text` to `body` as it is found, until `body`
    /// returns false, the deadline passes or the request is cancelled (ICU reports progress
    /// during long matches, so a catastrophic pattern is stopped too).
    func forEachMatch(
        of expression: NSRegularExpression, in text: String, context: HandlerContext,
        _ body: (NSTextCheckingResult) throws -> Void
    ) throws {
        let deadline = Date(timeIntervalSinceNow: timeout.inSeconds)
        var failure: (any Error)?
        var timedOut = false
        let range = NSRange(location: 0, length: (text as NSString).length)
        // Foundation declares the block escaping; it runs only during the call.
        withoutActuallyEscaping(body) { body in
            expression.enumerateMatches(in: text, options: [.reportProgress], range: range) { result, _, stop in
                if let result {
                    do {
                        try body(result)
                    } catch {
                        failure = error
                        stop.pointee = true
                        return
                    }
                }
                if context.isCancelled {
                    failure = CancellationError()
                    stop.pointee = true
                } else if Date() > deadline {
                    timedOut = true
                    stop.pointee = true
                }
            }
        }
        if let failure { throw failure }
        guard !timedOut else {
            throw ToolError(
                "Regular expression took longer than \(timeout.inSeconds) s and was stopped; simplify the pattern")
        }
    }

    /// The matched substrings, first occurrence of each, in order; their total may not pass `limit` bytes.
    public func uniqueMatches(
        of pattern: String, in text: String, limit: Int, context: HandlerContext
    ) throws -> [String] {
        let expression = try expression(pattern, for: text)
        let string = text as NSString
        var seen = Set<String>()
        var values: [String] = []
        var size = 2
        try forEachMatch(of: expression, in: text, context: context) { result in
            let value = string.substring(with: result.range)
            guard seen.insert(value).inserted else { return }
            // Each value costs at least its bytes, its quotes and a comma in the result.
            size += value.utf8.count + 3
            guard size <= limit else { throw ResultTooLarge(limit: limit) }
            values.append(value)
        }
        return values
    }

    /// `text` with every match of `pattern` replaced, up to `limit` bytes of output.
    /// `replacement` uses Python's syntax (`\1`, `\g<name>`), as the original scaffold's clients expect.
    public func replace(
        _ pattern: String, in text: String, with replacement: String, limit: Int, context: HandlerContext
    ) throws -> String {
        let pattern = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        let template = Self.icuTemplate(fromPython: replacement, groups: Self.namedGroups(in: pattern))
        let expression = try expression(pattern, for: text)
        let string = text as NSString
        var output = BoundedText(limit: limit)
        var cursor = 0
        try forEachMatch(of: expression, in: text, context: context) { result in
            try output.append(string.substring(with: NSRange(location: cursor, length: result.range.location - cursor)))
            try output.append(expression.replacementString(for: result, in: text, offset: 0, template: template))
            cursor = result.range.location + result.range.length
        }
        try output.append(string.substring(from: cursor))
        return output.string
    }

    /// The number of each named capturing group `(?<name>…)` in `pattern`.
    static func namedGroups(in pattern: String) -> [String: Int] {
        var groups: [String: Int] = [:]
        var number = 0
        var inClass = false
        var characters = Array(pattern)[...]
        while let character = characters.popFirst() {
            switch character {
            case "\\": _ = characters.popFirst()
            case "[": inClass = true
            case "]": inClass = false
            case "(" where !inClass:
                if characters.first != "?" {
                    number += 1
                } else if characters.dropFirst().first == "<", let next = characters.dropFirst(2).first, next != "=",
                    next != "!"
                {
                    number += 1
                    if let close = characters.firstIndex(of: ">") {
                        groups[String(characters[characters.index(characters.startIndex, offsetBy: 2)..<close])] =
                            number
                    }
                }
            default: break
            }
        }
        return groups
    }

    /// Converts a Python `re.sub` replacement into an ICU template: `\1` → `$1`,
    /// `\g<name>` → `$n` (the group's number), literal `$` and `\` escaped.
    static func icuTemplate(fromPython replacement: String, groups: [String: Int] = [:]) -> String {
        var output = ""
        var characters = Array(replacement)[...]
        while let character = characters.popFirst() {
            switch character {
            case "$":
                output += "\\$"
            case "\\":
                guard let next = characters.first else {
                    output += "\\\\"
                    continue
                }
                if next.isNumber {
                    characters.removeFirst()
                    output += "$\(next)"
                } else if next == "g", characters.dropFirst().first == "<", let close = characters.firstIndex(of: ">") {
                    let name = String(characters[characters.index(characters.startIndex, offsetBy: 2)..<close])
                    characters = characters[characters.index(after: close)...]
                    if let number = Int(name) ?? groups[name] { output += "$\(number)" }
                } else if next == "n" {
                    characters.removeFirst()
                    output += "\n"
                } else if next == "t" {
                    characters.removeFirst()
                    output += "\t"
                } else {
                    characters.removeFirst()
                    output += next == "\\" ? "\\\\" : "\\\(next)"
                }
            default:
                output.append(character)
            }
        }
        return output
    }
}
