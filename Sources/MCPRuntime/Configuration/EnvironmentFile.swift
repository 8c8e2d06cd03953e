import Foundation

/// The `.env` file: `KEY=VALUE` lines, `#` comments, an optional `export ` prefix, and values in
/// matching single or double quotes taken without them (as Docker Compose and shells read the
/// same file, so `APP_NAME="Awesome MCP Server"` means the same everywhere). The last line for a
/// key wins. swift-configuration's own file provider keeps quotes, hence this reader.
enum EnvironmentFile {
    /// The variables of the file at `path`; empty when it does not exist.
    static func variables(atPath path: String) throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        return parse(try String(contentsOfFile: path, encoding: .utf8))
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
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            variables[key] = value
        }
        return variables
    }
}
