import ExampleServer
import MCPCore
import MCPTesting
import Testing

@Suite("Text tools")
struct TextToolsTests {
    let client = try! MCPTestClient(catalogues: [TextTools(regex: BoundedRegex(timeout: .milliseconds(300)))])

    func structured(_ tool: String, _ arguments: JSONObject) async throws -> JSONValue? {
        let result = try await client.callTool(tool, arguments)
        #expect(result["isError"] == false, "\(tool): \(result.text ?? "")")
        return result["structuredContent"]
    }

    @Test func countsWordsLikeTheOriginal() async throws {
        let counts = try await structured("count_words", ["text": "Hello world! This is a test."])
        #expect(counts == ["words": 6, "characters": 28, "characters_no_spaces": 23, "lines": 1])
        let empty = try await structured("count_words", ["text": ""])
        #expect(empty == ["words": 0, "characters": 0, "characters_no_spaces": 0, "lines": 1])
        let emoji = try await structured("count_words", ["text": "😀 é\nx"])
        #expect(emoji?["characters"] == 5)
        #expect(emoji?["lines"] == 2)
    }

    @Test(arguments: [
        ("upper", "Hello World ß", "HELLO WORLD SS"), ("lower", "Hello World", "hello world"),
        ("title", "they're hello-world", "They'Re Hello-World"), ("capitalize", "hELLO wORLD", "Hello world"),
        ("UPPER", "abc", "ABC"),
    ])
    func convertsCase(_ caseType: String, _ text: String, _ expected: String) async throws {
        let result = try await structured("convert_case", ["text": .string(text), "case_type": .string(caseType)])
        #expect(result?["result"] == .string(expected))
    }

    @Test func rejectsUnknownCaseTypes() async throws {
        let result = try await client.callTool("convert_case", ["text": "x", "case_type": "sideways"])
        #expect(result["isError"] == true)
        #expect(
            result.text
                == "Invalid argument 'case_type': Invalid case_type. Use: upper, lower, title, or capitalize")
    }

    @Test func extractsEmailsAndURLsOnceInOrder() async throws {
        let emails = try await structured(
            "extract_emails", ["text": "Contact test@example.com or admin@test.org, again test@example.com."])
        #expect(emails?["result"] == ["test@example.com", "admin@test.org"])
        let urls = try await structured(
            "extract_urls", ["text": "See https://example.com/a?b=1#frag, and (http://x.org/~me). http://x.org/~me"])
        #expect(urls?["result"] == ["https://example.com/a?b=1#frag", "http://x.org/~me"])
    }

    @Test func replacesPlainTextAndRegularExpressions() async throws {
        let plain = try await structured("replace_text", ["text": "a.b.c", "pattern": ".", "replacement": "-"])
        #expect(plain?["result"] == "a-b-c")
        let regex = try await structured(
            "replace_text",
            [
                "text": "2024-01-15", "pattern": #"(\d+)-(\d+)-(\d+)"#, "replacement": #"\3/\2/\1 cost $5"#,
                "use_regex": true,
            ])
        #expect(regex?["result"] == "15/01/2024 cost $5")
        let named = try await structured(
            "replace_text",
            [
                "text": "John Smith", "pattern": #"(?<first>\w+) (?<last>\w+)"#, "replacement": #"\g<last>, \g<first>"#,
                "use_regex": true,
            ])
        #expect(named?["result"] == "Smith, John")
        let invalid = try await client.callTool(
            "replace_text", ["text": "x", "pattern": "(", "replacement": "", "use_regex": true])
        #expect(invalid.text == "Invalid regular expression")
        let empty = try await client.callTool("replace_text", ["text": "x", "pattern": "", "replacement": "y"])
        #expect(empty["isError"] == true)
    }

    @Test(arguments: [
        (#"(a+)+$"#, String(repeating: "a", count: 40) + "!"),
        (#"(a|aa)+$"#, String(repeating: "a", count: 60) + "b"),
        (#"^(\w+\s?)*$"#, String(repeating: "word ", count: 2000) + "!"),
    ])
    func stopsCatastrophicBacktracking(_ pattern: String, _ text: String) async throws {
        let result = try await client.callTool(
            "replace_text", ["text": .string(text), "pattern": .string(pattern), "replacement": "x", "use_regex": true])
        #expect(result["isError"] == true)
        #expect(result.text?.hasPrefix("Regular expression took longer than") == true)
    }

    @Test func capsPatternLength() async throws {
        let result = try await client.callTool(
            "replace_text",
            [
                "text": "x", "pattern": .string(String(repeating: "a", count: 257)), "replacement": "",
                "use_regex": true,
            ])
        #expect(result.text == "Pattern is longer than 256 characters")
        let atTheLimit = try await client.callTool(
            "replace_text",
            [
                "text": "aaa", "pattern": .string(String(repeating: "a?", count: 128)), "replacement": "b",
                "use_regex": true,
            ])
        #expect(atTheLimit["isError"] == false)
    }

    @Test func cleansSlugsAndStatistics() async throws {
        #expect(try await structured("clean_text", ["text": "  a \t b\n\nc  "])?["result"] == "a b c")
        #expect(
            try await structured("generate_slug", ["text": "Hello World! This is a Test."])?["result"]
                == "hello-world-this-is-a-test")
        #expect(try await structured("generate_slug", ["text": "Ünïcode -- only"])?["result"] == "n-code-only")
        let stats = try await structured("text_statistics", ["text": "Hello world. This is a test! Really?"])
        #expect(
            stats == [
                "total_characters": 36, "total_words": 7, "total_sentences": 3, "average_word_length": 4.29,
                "average_sentence_length": 2.33, "unique_words": 7, "reading_time_minutes": 0.0,
            ])
        let empty = try await structured("text_statistics", ["text": ""])
        #expect(empty?["average_word_length"] == 0.0)
    }
}
