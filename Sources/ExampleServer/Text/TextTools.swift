import Foundation
public import MCPCore

/// Text tools: counting, case conversion, extraction, replacement, cleaning, slugs, statistics.
@Catalogue
public struct TextTools: Sendable {
    let regex: BoundedRegex

    /// - Parameter regex: limits for user-supplied regular expressions.
    public init(regex: BoundedRegex = BoundedRegex()) {
        self.regex = regex
    }

    /// Count words, characters and lines in a text. Words are runs of non-whitespace.
    /// - Parameter text: The text to count.
    @Tool("count_words", title: "Count Words", annotations: .pure)
    static func countWords(text: String) -> WordCount {
        WordCount(
            words: words(of: text).count,
            characters: text.unicodeScalars.count,
            characters_no_spaces: text.unicodeScalars.count { $0 != " " },
            lines: text.utf8.count { $0 == UInt8(ascii: "\n") } + 1
        )
    }

    /// Convert text to upper, lower, title or capitalized case.
    /// - Parameters:
    ///   - text: The text to convert.
    ///   - case_type: upper, lower, title (every word capitalized) or capitalize (first letter only).
    @Tool("convert_case", title: "Convert Case", annotations: .pure)
    static func convertCase(text: String, case_type caseType: CaseType) -> String {
        switch caseType {
        case .upper: return text.uppercased()
        case .lower: return text.lowercased()
        case .title: return titleCased(text)
        case .capitalize:
            guard let first = text.first else { return text }
            return String(first).uppercased() + text.dropFirst().lowercased()
        }
    }

    /// Extract the email addresses in a text, each once, in order of appearance.
    /// - Parameter text: The text to search.
    @Tool("extract_emails", title: "Extract Emails", annotations: .pure)
    func extractEmails(text: String) async throws -> [String] {
        try await regex.uniqueMatches(of: #"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"#, in: text)
    }

    /// Extract the http and https URLs in a text, each once, in order of appearance.
    /// - Parameter text: The text to search.
    @Tool("extract_urls", title: "Extract URLs", annotations: .pure)
    func extractURLs(text: String) async throws -> [String] {
        let found = try await regex.uniqueMatches(of: #"https?://[^\s<>"'`]+"#, in: text)
        var seen = Set<String>()
        return found.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:!?)]}")) }
            .filter { seen.insert($0).inserted }
    }

    /// Replace every occurrence of a pattern: plain text, or a regular expression (with \1 or
    /// \g<name> in the replacement). Expressions that run longer than the time limit are stopped.
    /// - Parameters:
    ///   - text: The text to change.
    ///   - pattern: What to replace: literal text, or a regular expression when use_regex is true.
    ///   - replacement: The text to put in its place.
    ///   - use_regex: Treat the pattern as a regular expression.
    @Tool("replace_text", title: "Replace Text", annotations: .pure)
    func replaceText(
        text: String, pattern: String, replacement: String, use_regex useRegex: Bool = false
    )
        async throws -> String
    {
        guard !pattern.isEmpty else { throw ToolError("Pattern must not be empty") }
        if useRegex { return try await regex.replace(pattern, in: text, with: replacement) }
        return text.replacingOccurrences(of: pattern, with: replacement)
    }

    /// Collapse every run of whitespace into one space and trim both ends.
    /// - Parameter text: The text to clean.
    @Tool("clean_text", title: "Clean Text", annotations: .pure)
    static func cleanText(text: String) -> String {
        words(of: text).joined(separator: " ")
    }

    /// Make a URL-friendly slug: lower case, runs of anything but a-z and 0-9 become one hyphen.
    /// - Parameter text: The text to turn into a slug.
    @Tool("generate_slug", title: "Generate Slug", annotations: .pure)
    static func generateSlug(text: String) -> String {
        var slug = ""
        var pendingHyphen = false
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingHyphen && !slug.isEmpty { slug += "-" }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        return slug
    }

    /// Detailed statistics: characters, words, sentences, averages, unique words, reading time.
    /// - Parameter text: The text to analyse.
    @Tool("text_statistics", title: "Text Statistics", annotations: .pure)
    static func textStatistics(text: String) -> TextStatistics {
        let words = words(of: text)
        let sentences = text.split(whereSeparator: { ".!?".contains($0) }).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        .filter { !$0.isEmpty }
        let wordLengths = words.reduce(0) { $0 + $1.unicodeScalars.count }
        let sentenceWords = sentences.reduce(0) { $0 + Self.words(of: $1).count }
        return TextStatistics(
            total_characters: text.unicodeScalars.count,
            total_words: words.count,
            total_sentences: sentences.count,
            average_word_length: words.isEmpty ? 0 : round2(Double(wordLengths) / Double(words.count)),
            average_sentence_length: sentences.isEmpty ? 0 : round2(Double(sentenceWords) / Double(sentences.count)),
            unique_words: Set(words.map { $0.lowercased() }).count,
            reading_time_minutes: (Double(words.count) / 200 * 10).rounded(.toNearestOrEven) / 10
        )
    }

    static func words(of text: some StringProtocol) -> [Substring] {
        Substring(text).split(whereSeparator: \.isWhitespace)
    }

    static func round2(_ value: Double) -> Double { (value * 100).rounded(.toNearestOrEven) / 100 }

    /// Python's `str.title()`: a letter after a non-letter is upper-cased, other letters lower-cased.
    static func titleCased(_ text: String) -> String {
        var result = ""
        var previousIsLetter = false
        for character in text {
            if character.isLetter {
                result += previousIsLetter ? character.lowercased() : String(character).uppercased()
                previousIsLetter = true
            } else {
                result.append(character)
                previousIsLetter = false
            }
        }
        return result
    }
}

/// How `convert_case` changes a text. Case-insensitive on input ("UPPER" works).
public enum CaseType: String, CaseIterable, Sendable, JSONStringEnum {
    case upper, lower, title, capitalize

    public init(json: JSONValue) throws(SchemaMismatch) {
        guard case .string(let text) = json, let value = CaseType(rawValue: text.lowercased()) else {
            throw SchemaMismatch(problem: "Invalid case_type. Use: upper, lower, title, or capitalize")
        }
        self = value
    }
}

/// Word, character and line counts.
@Schema
public struct WordCount: Sendable, Equatable {
    /// Runs of non-whitespace characters.
    public var words: Int
    /// Unicode scalars.
    public var characters: Int
    /// Unicode scalars other than the space character.
    public var characters_no_spaces: Int
    /// Newline-separated lines (an empty text has one).
    public var lines: Int
}

/// Statistics about a text.
@Schema
public struct TextStatistics: Sendable, Equatable {
    public var total_characters: Int
    public var total_words: Int
    /// Pieces between '.', '!' and '?' that are not empty.
    public var total_sentences: Int
    /// Characters per word, two decimals.
    public var average_word_length: Double
    /// Words per sentence, two decimals.
    public var average_sentence_length: Double
    /// Distinct words, ignoring case.
    public var unique_words: Int
    /// At 200 words per minute, one decimal.
    public var reading_time_minutes: Double
}
