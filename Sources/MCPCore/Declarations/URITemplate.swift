/// An RFC 6570 URI template such as `config://user/{user_id}` (level 1) or `file:///{+path}`
/// (level 2's reserved expansion).
///
/// Each `{name}` matches one non-empty path segment (no `/`, `?` or `#`), percent-decoded; a
/// `{+name}` may span segments (`/` allowed, still no `?` or `#`).
/// Matching is a single left-to-right scan: no regular expression, so no backtracking.
public struct URITemplate: Sendable, Hashable, CustomStringConvertible {
    enum Part: Sendable, Hashable {
        case literal(String)
        /// A variable; a reserved one (`{+name}`) may contain `/`.
        case variable(String, reserved: Bool)
    }

    /// The template as written.
    public let template: String
    let parts: [Part]

    /// Parses `template`; nil when it has no variables or is malformed (unclosed brace,
    /// empty name, two variables in a row).
    public init?(_ template: String) {
        var parts: [Part] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else { return nil }
            var name = Substring(rest[rest.index(after: open)..<close])
            let reserved = name.first == "+"
            if reserved { name = name.dropFirst() }
            guard !name.isEmpty, !name.contains("{"), !name.contains("+") else { return nil }
            if case .variable = parts.last { return nil }
            parts.append(.variable(String(name), reserved: reserved))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        guard parts.contains(where: { if case .variable = $0 { return true } else { return false } }) else {
            return nil
        }
        self.template = template
        self.parts = parts
    }

    /// The template as written.
    public var description: String { template }

    /// The variable names, in order.
    public var variables: [String] {
        parts.compactMap { if case .variable(let name, _) = $0 { return name } else { return nil } }
    }

    /// The variables' values when `uri` matches, else nil.
    public func match(_ uri: String) -> [String: String]? {
        var values: [String: String] = [:]
        var rest = Substring(uri)
        for (index, part) in parts.enumerated() {
            switch part {
            case .literal(let literal):
                guard rest.hasPrefix(literal) else { return nil }
                rest = rest.dropFirst(literal.count)
            case .variable(let name, let reserved):
                var end = rest.endIndex
                if index + 1 < parts.count, case .literal(let next) = parts[index + 1] {
                    guard let found = Self.firstIndex(of: next, in: rest) else { return nil }
                    end = found
                }
                let raw = rest[..<end]
                guard !raw.isEmpty, !raw.contains(where: { ($0 == "/" && !reserved) || $0 == "?" || $0 == "#" }),
                    let decoded = Self.percentDecode(raw)
                else { return nil }
                values[name] = decoded
                rest = rest[end...]
            }
        }
        return rest.isEmpty ? values : nil
    }

    /// Where `needle` first starts in `haystack`.
    static func firstIndex(of needle: String, in haystack: Substring) -> Substring.Index? {
        var index = haystack.startIndex
        while index < haystack.endIndex {
            if haystack[index...].hasPrefix(needle) { return index }
            index = haystack.index(after: index)
        }
        return nil
    }

    static func percentDecode(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
