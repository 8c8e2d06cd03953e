import Foundation
import MCPCore

/// Regular expressions that cannot hang a worker: the pattern and text are size-capped, the
/// match runs on a Dispatch thread (never on the threads serving requests), and ICU's progress
/// callback stops it at a deadline, which the client sees as a tool error.
public struct BoundedRegex: Sendable {
    public var timeout: Duration
    public var maxPatternLength = 1000
    public var maxTextBytes = 1024 * 1024

    public init(timeout: Duration = .seconds(1)) {
        self.timeout = timeout
    }

    /// Runs `pattern` over `text` off the request threads and hands every match to `body`
    /// there; throws a ``ToolError`` for a bad pattern, oversized input or the deadline.
    func withMatches<T: Sendable>(
        of pattern: String, in text: String,
        _ body: @escaping @Sendable (NSRegularExpression, [NSTextCheckingResult]) -> T
    ) async throws -> T {
        guard pattern.utf8.count <= maxPatternLength else {
            throw ToolError("Pattern is longer than \(maxPatternLength) characters")
        }
        guard text.utf8.count <= maxTextBytes else { throw ToolError("Text is larger than \(maxTextBytes) bytes") }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        return try await BlockingWork.run { () throws(ToolError) -> T in
            let expression: NSRegularExpression
            do {
                expression = try NSRegularExpression(pattern: pattern)
            } catch {
                throw ToolError("Invalid regular expression")
            }
            let deadline = Date(timeIntervalSinceNow: seconds)
            var results: [NSTextCheckingResult] = []
            var timedOut = false
            let range = NSRange(location: 0, length: (text as NSString).length)
            expression.enumerateMatches(in: text, options: [.reportProgress], range: range) { result, _, stop in
                if let result { results.append(result) }
                if Date() > deadline {
                    timedOut = true
                    stop.pointee = true
                }
            }
            guard !timedOut else {
                throw ToolError(
                    "Regular expression took longer than \(seconds) s and was stopped; simplify the pattern")
            }
            return body(expression, results)
        }
    }

    /// The matched substrings, first occurrence of each, in order.
    public func uniqueMatches(of pattern: String, in text: String) async throws -> [String] {
        try await withMatches(of: pattern, in: text) { _, results in
            let string = text as NSString
            var seen = Set<String>()
            var values: [String] = []
            for result in results {
                let value = string.substring(with: result.range)
                if seen.insert(value).inserted { values.append(value) }
            }
            return values
        }
    }

    /// `text` with every match of `pattern` replaced. `replacement` uses Python's syntax
    /// (`\1`, `\g<name>`), as the original scaffold's clients expect.
    public func replace(_ pattern: String, in text: String, with replacement: String) async throws -> String {
        let pattern = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        let template = Self.icuTemplate(fromPython: replacement, groups: Self.namedGroups(in: pattern))
        return try await withMatches(of: pattern, in: text) { expression, results in
            let string = text as NSString
            var output = ""
            var cursor = 0
            for result in results {
                output += string.substring(with: NSRange(location: cursor, length: result.range.location - cursor))
                output += expression.replacementString(for: result, in: text, offset: 0, template: template)
                cursor = result.range.location + result.range.length
            }
            output += string.substring(from: cursor)
            return output
        }
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
