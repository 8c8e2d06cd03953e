import ExampleServer
import Foundation
import MCPCore
import MCPTesting
import Testing

/// Every tool, resource and prompt of the catalogue at its limits: no request may make the server
/// build an answer or a file larger than the configured limit (issue: `replace_text` turned 201 KB
/// into 400 MB, `write_json_file` pretty-printed 98 MB from 600 KB).
@Suite("Example catalogue at its limits")
struct BoundedToolsTests {
    func withSandbox(
        maxTotalBytes: Int? = nil, regexTimeout: Duration = .milliseconds(300),
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: (Sandbox, MCPTestClient) async throws -> Void
    ) async throws {
        let sandbox = try Sandbox(maxTotalBytes: maxTotalBytes)
        defer { sandbox.remove() }
        try await body(sandbox, try sandbox.client(regexTimeout: regexTimeout, configure: configure))
    }

    static let amplifying: JSONObject = [
        "text": .string(String(repeating: "a", count: 201 * 1024)), "pattern": "a",
        "replacement": .string(String(repeating: "b", count: 2000)),
    ]

    @Test(arguments: [false, true])
    func replaceTextStopsAtTheResultLimit(_ regex: Bool) async throws {
        // The limit, not the regex deadline, must end it: a deadline a loaded machine cannot miss.
        try await withSandbox(regexTimeout: .seconds(60)) { _, client in
            var arguments = Self.amplifying
            arguments["use_regex"] = .bool(regex)
            let result = try await client.callTool("replace_text", arguments)
            #expect(result["isError"] == true)
            #expect(result.text?.contains("1048576-byte limit (MAX_RESULT_SIZE)") == true)
        }
    }

    @Test func replaceTextJustUnderTheLimitStillWorks() async throws {
        try await withSandbox(configure: { $0.maxResultBytes = 100_000 }) { _, client in
            // 30,000 characters out, twice in the result (text and structured): about 60 KB.
            let result = try await client.callTool(
                "replace_text",
                ["text": .string(String(repeating: "a", count: 10_000)), "pattern": "a", "replacement": "bcd"])
            #expect(result["isError"] == false)
            #expect(result.text?.utf8.count == 30_000)
        }
    }

    @Test func theRegexDeadlineHoldsWhileTheOutputIsAssembled() async throws {
        // A cheap match and an expensive assembly: 200,000 matches, 500 copies of each.
        try await withSandbox(regexTimeout: .milliseconds(100), configure: { $0.maxResultBytes = 1 << 30 }) {
            _, client in
            let result = try await client.callTool(
                "replace_text",
                [
                    "text": .string(String(repeating: "a", count: 200_000)), "pattern": "(a)",
                    "replacement": .string(String(repeating: #"\1"#, count: 500)), "use_regex": true,
                ])
            #expect(result["isError"] == true)
            #expect(result.text?.hasPrefix("Regular expression took longer than") == true)
        }
    }

    @Test func writeJSONFileRefusesAnAmplifyingIndentBeforeBuildingIt() async throws {
        try await withSandbox { sandbox, client in
            // What a request may carry (60 levels, under MAX_JSON_DEPTH): 200 KB of ones 60 arrays
            // deep. At indent 8 each one gets a line of 480 spaces: about 48 MB.
            var data: JSONValue = .array(Array(repeating: 1, count: 100_000))
            for _ in 0..<60 { data = [data] }
            let result = try await client.callTool(
                "write_json_file", ["file_path": "big.json", "data": data, "indent": 8])
            #expect(result["isError"] == true)
            #expect(result.text?.contains("write limit (MAX_FILE_SIZE)") == true)
            #expect(!FileManager.default.fileExists(atPath: sandbox.workspacePath + "/big.json"))
        }
    }

    @Test func writeJSONFileWritesEachKeyOnce() async throws {
        try await withSandbox { sandbox, client in
            let data = try JSONParser.parse(#"{"a":1,"b":{"x":1,"x":2},"a":3}"#)
            let result = try await client.callTool(
                "write_json_file", ["file_path": "d.json", "data": data, "indent": 0])
            #expect(result["isError"] == false)
            let text = try String(contentsOfFile: sandbox.workspacePath + "/d.json", encoding: .utf8)
            #expect(text.replacingOccurrences(of: "\n", with: "") == #"{"a": 3,"b": {"x": 2}}"#)
        }
    }

    @Test func filesLargerThanTheResultLimitAreRefusedBeforeTheyAreRead() async throws {
        try await withSandbox(configure: { $0.maxResultBytes = 4096 }) { sandbox, client in
            try String(repeating: "x", count: 4097).write(
                toFile: sandbox.workspacePath + "/big.txt", atomically: true, encoding: .utf8)
            for tool in ["read_text_file", "read_json_file"] {
                let result = try await client.callTool(tool, ["file_path": "big.txt"])
                #expect(result.text?.contains("4096-byte result limit (MAX_RESULT_SIZE)") == true, "\(tool)")
            }
        }
    }

    @Test(arguments: ["convert_case", "clean_text", "generate_slug"])
    func toolsWhoseOutputIsTheirInputRefuseInputsOverTheLimit(_ tool: String) async throws {
        try await withSandbox(configure: { $0.maxResultBytes = 4096 }) { _, client in
            var arguments: JSONObject = ["text": .string(String(repeating: "x ", count: 2049))]
            if tool == "convert_case" { arguments["case_type"] = "upper" }
            let result = try await client.callTool(tool, arguments)
            #expect(result["isError"] == true)
            #expect(result.text?.contains("MAX_RESULT_SIZE") == true)
        }
    }

    @Test func extractedMatchesStopAtTheLimit() async throws {
        try await withSandbox(configure: { $0.maxResultBytes = 4096 }) { _, client in
            let text = (0..<1000).map { "user\($0)@example.com" }.joined(separator: " ")
            let result = try await client.callTool("extract_emails", ["text": .string(text)])
            #expect(result["isError"] == true)
            #expect(result.text?.contains("MAX_RESULT_SIZE") == true)
        }
    }

    @Test func statisticsOfALargeTextMatchTheOriginalDefinition() async throws {
        try await withSandbox { _, client in
            let sentence = "The quick brown fox jumps over the lazy dog. Is it QUICK? Yes!\tend.Start again "
            let text = String(repeating: sentence, count: 2000) + "tail"
            let stats = try #require(
                try await client.callTool("text_statistics", ["text": .string(text)])["structuredContent"])
            // The original's definition, with arrays (what the tool no longer builds).
            let words = text.split(whereSeparator: \.isWhitespace)
            let sentences = text.split(whereSeparator: { ".!?".contains($0) })
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            let sentenceWords = sentences.reduce(0) { $0 + $1.split(whereSeparator: \.isWhitespace).count }
            #expect(stats["total_words"] == .int(words.count))
            #expect(stats["total_sentences"] == .int(sentences.count))
            #expect(stats["unique_words"] == .int(Set(words.map { $0.lowercased() }).count))
            let average = (Double(sentenceWords) / Double(sentences.count) * 100).rounded(.toNearestOrEven) / 100
            #expect(stats["average_sentence_length"] == .double(average))
            let counts = try #require(
                try await client.callTool("count_words", ["text": .string(text)])["structuredContent"])
            #expect(counts["words"] == .int(words.count))
        }
    }

    @Test func theToolTimeoutStopsALongSynchronousTool() async throws {
        try await withSandbox(configure: { $0.toolTimeout = .milliseconds(1) }) { _, client in
            let text = String(repeating: "lorem ipsum dolor sit amet. ", count: 150_000)
            let result = try await client.callTool("text_statistics", ["text": .string(text)])
            #expect(result.text == "Tool 'text_statistics' timed out")
        }
    }

    @Test func theWorkspaceQuotaIsKept() async throws {
        try await withSandbox(maxTotalBytes: 10_000) { sandbox, client in
            let six = String(repeating: "6", count: 6000)
            #expect(
                try await client.callTool("write_text_file", ["file_path": "a.txt", "content": .string(six)])["isError"]
                    == false)
            let second = try await client.callTool("write_text_file", ["file_path": "b.txt", "content": .string(six)])
            #expect(second["isError"] == true)
            #expect(second.text?.contains("quota of 10000 bytes") == true)
            #expect(!FileManager.default.fileExists(atPath: sandbox.workspacePath + "/b.txt"))
            // Replacing a file counts only the difference.
            let replaced = try await client.callTool(
                "write_text_file",
                ["file_path": "a.txt", "content": .string(String(repeating: "9", count: 9000)), "overwrite": true])
            #expect(replaced["isError"] == false)
            // A folder counts 4 KiB.
            let folder = try await client.callTool("create_directory", ["directory_path": "sub"])
            #expect(folder["isError"] == true)
        }
    }

    @Test func promptArgumentsLargerThanTheResultLimitAreRefused() async throws {
        try await withSandbox(configure: { $0.maxResultBytes = 4096 }) { _, client in
            let response = try await client.send(
                "prompts/get",
                [
                    "name": "code_review",
                    "arguments": ["code": "x", "language": .string(String(repeating: "y", count: 4097))],
                ])
            #expect(response["error"]?["code"] == -32602)
            #expect(response["error"]?["message"]?.stringValue?.contains("result limit") == true)
            // Under the limit a prompt that repeats its argument is still checked as a whole.
            let repeated = try await client.send(
                "prompts/get",
                [
                    "name": "code_review",
                    "arguments": ["code": "x", "language": .string(String(repeating: "y", count: 2000))],
                ])
            #expect(repeated["error"]?["message"]?.stringValue?.contains("MAX_RESULT_SIZE") == true)
        }
    }
}
