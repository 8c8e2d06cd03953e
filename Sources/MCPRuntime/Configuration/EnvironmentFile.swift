import Foundation

/// The `.env` file, read as python-dotenv and Docker Compose read it, so a file written for the
/// Python original (or for Compose) means the same here: `KEY=VALUE` lines, `#` comment lines,
/// an optional `export ` prefix, a value in single or double quotes taken without them (double
/// quotes understand `\n`, `\t`, `\"` and `\\`), and an inline comment — a `#` after whitespace —
/// cut off an unquoted value, or anything after the closing quote ignored. The last line for a
/// key wins. swift-configuration's own file provider keeps quotes and comments, hence this reader.
enum EnvironmentFile {
    /// The variables of the file at `path`; empty when it does not exist. Read as a stream, so
    /// `/dev/null` (and a pipe) work as "no variables".
    static func variables(atPath path: String) throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let file = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoPermission) }
        defer { try? file.close() }
        return parse(String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self))
    }

    static func parse(_ text: String) -> [String: String] {
        var variables: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { continue }
            variables[key] = value(line[line.index(after: equals)...])
        }
        return variables
    }

    /// The value part of a line (everything after `=`).
    static func value(_ text: Substring) -> String {
        let text = text.drop { $0 == " " || $0 == "\t" }
        guard let quote = text.first, quote == "\"" || quote == "'" else { return unquoted(text) }
        var result = ""
        var escaped = false
        for character in text.dropFirst() {
            if escaped {
                escaped = false
                if quote == "'" {
                    // Single quotes are literal but for \' and \\ (as python-dotenv).
                    if character != "'" && character != "\\" { result.append("\\") }
                    result.append(character)
                    continue
                }
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                case "\"", "\\": result.append(character)
                default: result += "\\\(character)"
                }
            } else if character == "\\" {
                escaped = true
            } else if character == quote {
                return result  // what follows the closing quote (a comment) is not the value
            } else {
                result.append(character)
            }
        }
        // No closing quote: the text as written, as the unquoted rule reads it.
        return unquoted(text)
    }

    /// An unquoted value: up to an inline comment (`#` after whitespace), trailing space dropped.
    static func unquoted(_ text: Substring) -> String {
        var end = text.endIndex
        var previous: Character?
        for index in text.indices {
            let character = text[index]
            if character == "#", let previous, previous == " " || previous == "\t" {
                end = index
                break
            }
            previous = character
        }
        return String(text[..<end]).trimmingCharacters(in: .whitespaces)
    }
}
