import SwiftSyntax

/// The parts of a `///` or `/** */` documentation comment that declarations use: the text
/// before the first field (the description) and the `- Parameter x:` / `- Parameters:` entries.
struct DocComment {
    var summary: String?
    var parameters: [String: String] = [:]

    init(_ trivia: Trivia) {
        var lines: [String] = []
        for piece in trivia {
            switch piece {
            case .docLineComment(let text):
                lines.append(String(text.dropFirst(3)))
            case .docBlockComment(let text):
                let body = text.dropFirst(3).dropLast(2)
                for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                    var trimmed = line.drop { $0 == " " || $0 == "\t" }
                    if trimmed.hasPrefix("*") { trimmed = trimmed.dropFirst() }
                    lines.append(String(trimmed))
                }
            default:
                continue
            }
        }
        parse(lines)
    }

    private mutating func parse(_ lines: [String]) {
        var paragraphs: [[String]] = [[]]
        var inParameters = false
        var currentParameter: String?
        var inOtherField = false
        for raw in lines {
            let line = raw.trimmingWhitespace()
            if line.hasPrefix("- Parameters:") {
                inParameters = true
                inOtherField = false
                currentParameter = nil
                continue
            }
            if line.hasPrefix("- Parameter ") {
                inParameters = false
                inOtherField = false
                let rest = line.dropFirst("- Parameter ".count)
                if let colon = rest.firstIndex(of: ":") {
                    let name = String(rest[..<colon]).trimmingWhitespace()
                    parameters[name] = String(rest[rest.index(after: colon)...]).trimmingWhitespace()
                    currentParameter = name
                }
                continue
            }
            if line.hasPrefix("- ") && inParameters {
                let rest = line.dropFirst(2)
                if let colon = rest.firstIndex(of: ":") {
                    let name = String(rest[..<colon]).trimmingWhitespace()
                    parameters[name] = String(rest[rest.index(after: colon)...]).trimmingWhitespace()
                    currentParameter = name
                }
                continue
            }
            if line.hasPrefix("- ") && Self.isFieldLine(line) {
                inParameters = false
                inOtherField = true
                currentParameter = nil
                continue
            }
            if line.isEmpty {
                currentParameter = nil
                if !inParameters && !inOtherField && !(paragraphs.last?.isEmpty ?? true) { paragraphs.append([]) }
                continue
            }
            if let name = currentParameter, raw.hasPrefix("  ") || raw.hasPrefix("\t") {
                parameters[name, default: ""] += " " + line
                continue
            }
            if inParameters || inOtherField { continue }
            paragraphs[paragraphs.count - 1].append(line)
        }
        let text = paragraphs.filter { !$0.isEmpty }.map { $0.joined(separator: " ") }.joined(separator: "\n\n")
        summary = text.isEmpty ? nil : text
    }

    private static func isFieldLine(_ line: String) -> Bool {
        let fields = ["Returns:", "Throws:", "Note:", "Important:", "Warning:", "Precondition:", "Complexity:"]
        return fields.contains { line.dropFirst(2).hasPrefix($0) }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
