import Foundation
public import MCPCore

/// Text tools: counting, case conversion, extraction, replacement, cleaning, slugs, statistics.
///
/// Bounded work whatever the input: every tool works in one pass without copies that grow with
/// the input (no arrays of words), checks ``HandlerContext/isCancelled`` in its loops (so
/// `TOOL_TIMEOUT` stops it), and a tool whose output grows with its input refuses an input or
/// output larger than the result limit (`MAX_RESULT_SIZE`) before building it.
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
    static func countWords(text: String, context: HandlerContext) throws -> WordCount {
        var words = 0
        var inWord = false
        var steps = CancellationCheck(context)
        for character in text {
            try steps.next()
            if character.isWhitespace {
                inWord = false
            } else if !inWord {
                words += 1
                inWord = true
            }
        }
        return WordCount(
            words: words,
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
    static func convertCase(text: String, case_type caseType: CaseType, context: HandlerContext) throws -> String {
        try refuseLarger(text, than: context)
        switch caseType {
        case .upper: return text.uppercased()
        case .lower: return text.lowercased()
        case .title: return try titleCased(text, context: context)
        case .capitalize:
            guard let first = text.first else { return text }
            return String(first).uppercased() + text.dropFirst().lowercased()
        }
    }

    /// Extract the email addresses in a text, each once, in order of appearance.
    /// - Parameter text: The text to search.
    @Tool("extract_emails", title: "Extract Emails", annotations: .pure)
    func extractEmails(text: String, context: HandlerContext) throws -> [String] {
        try regex.uniqueMatches(
            of: #"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"#, in: text, limit: context.maxResultBytes,
            context: context)
    }

    /// Extract the http and https URLs in a text, each once, in order of appearance.
    /// - Parameter text: The text to search.
    @Tool("extract_urls", title: "Extract URLs", annotations: .pure)
    func extractURLs(text: String, context: HandlerContext) throws -> [String] {
        let found = try regex.uniqueMatches(
            of: #"https?://[^\s<>"'`]+"#, in: text, limit: context.maxResultBytes, context: context)
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
        text: String, pattern: String, replacement: String, use_regex useRegex: Bool = false, context: HandlerContext
    ) throws -> String {
        guard !pattern.isEmpty else { throw ToolError("Pattern must not be empty") }
        if useRegex {
            return try regex.replace(
                pattern, in: text, with: replacement, limit: context.maxResultBytes, context: context)
        }
        return try Self.replaceLiteral(
            pattern, in: text, with: replacement, limit: context.maxResultBytes, context: context)
    }

    /// Every occurrence of `pattern` in `text` replaced, left to right without overlaps (Python's
    /// `str.replace`, which compares code points: here, UTF-8 bytes). The output is built up to
    /// `limit` bytes and no further.
    static func replaceLiteral(
        _ pattern: String, in text: String, with replacement: String, limit: Int, context: HandlerContext
    ) throws -> String {
        guard pattern.utf8.count <= LiteralSearch.maxPatternBytes else {
            throw ToolError("Pattern is longer than \(LiteralSearch.maxPatternBytes) bytes")
        }
        var output = BoundedText(limit: limit)
        let search = LiteralSearch(Array(pattern.utf8))
        let insert = Array(replacement.utf8)
        var haystack = text
        try haystack.withUTF8 { bytes in
            var position = 0
            var matches = 0
            try search.forEachOccurrence(in: bytes) { offset in
                try output.append(UnsafeBufferPointer(rebasing: bytes[position..<offset]))
                try output.append(insert)
                position = offset + search.pattern.count
                matches += 1
                if matches & 0xFFF == 0 { try context.checkCancellation() }
            }
            try output.append(UnsafeBufferPointer(rebasing: bytes[position...]))
        }
        return output.string
    }

    /// Collapse every run of whitespace into one space and trim both ends.
    /// - Parameter text: The text to clean.
    @Tool("clean_text", title: "Clean Text", annotations: .pure)
    static func cleanText(text: String, context: HandlerContext) throws -> String {
        try refuseLarger(text, than: context)
        var cleaned = ""
        cleaned.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        var steps = CancellationCheck(context)
        for character in text {
            try steps.next()
            if character.isWhitespace {
                pendingSpace = !cleaned.isEmpty
            } else {
                if pendingSpace { cleaned.append(" ") }
                pendingSpace = false
                cleaned.append(character)
            }
        }
        return cleaned
    }

    /// Make a URL-friendly slug: lower case, runs of anything but a-z and 0-9 become one hyphen.
    /// - Parameter text: The text to turn into a slug.
    @Tool("generate_slug", title: "Generate Slug", annotations: .pure)
    static func generateSlug(text: String, context: HandlerContext) throws -> String {
        try refuseLarger(text, than: context)
        var slug = ""
        var pendingHyphen = false
        var steps = CancellationCheck(context)
        for scalar in text.lowercased().unicodeScalars {
            try steps.next()
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
    static func textStatistics(text: String, context: HandlerContext) throws -> TextStatistics {
        var counter = StatisticsCounter()
        var steps = CancellationCheck(context)
        for character in text {
            try steps.next()
            counter.add(character)
        }
        counter.finish()
        return TextStatistics(
            total_characters: text.unicodeScalars.count,
            total_words: counter.words,
            total_sentences: counter.sentences,
            average_word_length: counter.words == 0 ? 0 : round2(Double(counter.wordLength) / Double(counter.words)),
            average_sentence_length: counter.sentences == 0
                ? 0 : round2(Double(counter.sentenceWords) / Double(counter.sentences)),
            unique_words: counter.uniqueWords.count,
            reading_time_minutes: (Double(counter.words) / 200 * 10).rounded(.toNearestOrEven) / 10
        )
    }

    /// Refuses a text larger than the result limit, for tools whose output is as long as their input.
    static func refuseLarger(_ text: String, than context: HandlerContext) throws(ResultTooLarge) {
        guard text.utf8.count <= context.maxResultBytes else { throw ResultTooLarge(limit: context.maxResultBytes) }
    }

    static func round2(_ value: Double) -> Double { (value * 100).rounded(.toNearestOrEven) / 100 }

    /// Python's `str.title()`: a letter after a non-letter is upper-cased, other letters lower-cased.
    static func titleCased(_ text: String, context: HandlerContext) throws -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var previousIsLetter = false
        var steps = CancellationCheck(context)
        for character in text {
            try steps.next()
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
enum CaseType: String, CaseIterable, Sendable, JSONStringEnum {
    /// `UPPER CASE`, `lower case`, `Title Case` (each word), `Capitalize` (the first letter only).
    case upper, lower, title, capitalize

    /// Reads a case name in any letter case; the error lists the four names.
    init(json: JSONValue) throws(SchemaMismatch) {
        guard case .string(let text) = json, let value = CaseType(rawValue: text.lowercased()) else {
            throw SchemaMismatch(problem: "Invalid case_type. Use: upper, lower, title, or capitalize")
        }
        self = value
    }
}

/// Word, character and line counts.
@Schema
struct WordCount: Sendable, Equatable {
    /// Runs of non-whitespace characters.
    var words: Int
    /// Unicode scalars.
    var characters: Int
    /// Unicode scalars other than the space character.
    var characters_no_spaces: Int
    /// Newline-separated lines (an empty text has one).
    var lines: Int
}

/// Statistics about a text.
@Schema
struct TextStatistics: Sendable, Equatable {
    var total_characters: Int
    var total_words: Int
    /// Pieces between '.', '!' and '?' that are not empty.
    var total_sentences: Int
    /// Characters per word, two decimals.
    var average_word_length: Double
    /// Words per sentence, two decimals.
    var average_sentence_length: Double
    /// Distinct words, ignoring case.
    var unique_words: Int
    /// At 200 words per minute, one decimal.
    var reading_time_minutes: Double
}

/// `text_statistics` in one pass: words are runs of non-whitespace; sentences are the non-blank
/// pieces between '.', '!' and '?', and their words are counted within each piece; distinct
/// words are kept as 64-bit hashes of their lower-cased text (8 bytes each, whatever the word).
struct StatisticsCounter {
    var words = 0
    var wordLength = 0
    var sentences = 0
    var sentenceWords = 0
    var uniqueWords = Set<Int>()
    private var word = ""
    private var pieceWords = 0
    private var inPieceWord = false
    private var pieceHasContent = false

    mutating func add(_ character: Character) {
        if character.isWhitespace {
            endWord()
            inPieceWord = false
            return
        }
        word.append(character)
        if character == "." || character == "!" || character == "?" {
            endPiece()
            return
        }
        pieceHasContent = true
        if !inPieceWord {
            pieceWords += 1
            inPieceWord = true
        }
    }

    mutating func finish() {
        endWord()
        endPiece()
    }

    private mutating func endWord() {
        guard !word.isEmpty else { return }
        words += 1
        wordLength += word.unicodeScalars.count
        var hasher = Hasher()
        hasher.combine(word.lowercased())
        uniqueWords.insert(hasher.finalize())
        word.removeAll(keepingCapacity: true)
    }

    private mutating func endPiece() {
        if pieceHasContent {
            sentences += 1
            sentenceWords += pieceWords
        }
        pieceWords = 0
        inPieceWord = false
        pieceHasContent = false
    }
}

/// Checks for cancellation every 65,536 steps of a loop: often enough to stop within
/// milliseconds, rarely enough to cost nothing.
struct CancellationCheck {
    let context: HandlerContext
    var steps = 0

    init(_ context: HandlerContext) { self.context = context }

    mutating func next() throws(CancellationError) {
        steps &+= 1
        if steps & 0xFFFF == 0 { try context.checkCancellation() }
    }
}
