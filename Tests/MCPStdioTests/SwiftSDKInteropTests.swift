import Foundation
import InteropSupport
import MCP
import SystemPackage
import Testing

/// The official Swift SDK `Client` (0.12.1, handshake era) against the real binary over stdio.
@Suite("Swift SDK client over stdio", .serialized)
struct SwiftSDKInteropTests {
    let scratch: ScratchFolder

    init() throws { scratch = try ScratchFolder("mcp-sdk") }

    /// Starts the server with pipes and connects an SDK client to them.
    func connect() async throws -> (Client, Process) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.serverBinary)
        process.arguments = [
            "--transport", "stdio", "--workspace", scratch.file(UUID().uuidString),
            "--env-file", "/dev/null",
        ]
        let toServer = Pipe()
        let fromServer = Pipe()
        process.standardInput = toServer
        process.standardOutput = fromServer
        process.standardError = FileHandle.nullDevice
        try process.run()
        let transport = StdioTransport(
            input: FileDescriptor(rawValue: fromServer.fileHandleForReading.fileDescriptor),
            output: FileDescriptor(rawValue: toServer.fileHandleForWriting.fileDescriptor))
        let client = Client(name: "swift-sdk-interop", version: "1.0")
        let result = try await client.connect(transport: transport)
        #expect(
            result.protocolVersion == "2025-11-25" || result.protocolVersion == "2025-06-18"
                || result.protocolVersion == "2025-03-26")
        return (client, process)
    }

    @Test func drivesTheWholeCatalogue() async throws {
        let (client, process) = try await connect()
        defer { process.terminate() }
        let tools = try await client.listTools().tools
        #expect(tools.count == ExampleTools.count)
        #expect(tools.first?.name == "add")

        let good: [String: [String: Value]] = [
            "add": ["a": 2, "b": 3], "subtract": ["a": 5, "b": 3], "multiply": ["a": 2, "b": 4],
            "divide": ["a": 9, "b": 3],
            "power": ["a": 2, "b": 8], "sqrt": ["x": 9], "calculate_bmi": ["weight_kg": 70, "height_m": 1.75],
            "percentage": ["value": 50, "percentage": 10], "average": ["numbers": [1, 2, 3]],
            "calculate": ["expression": "(1+2)*3"],
            "count_words": ["text": "a b c"], "convert_case": ["text": "abc", "case_type": "upper"],
            "extract_emails": ["text": "x@example.com"], "extract_urls": ["text": "http://example.com"],
            "replace_text": ["text": "aaa", "pattern": "a", "replacement": "b"], "clean_text": ["text": " a  b "],
            "generate_slug": ["text": "A B"], "text_statistics": ["text": "Hi. Bye."],
            "write_text_file": ["file_path": "s/a.txt", "content": "hello"], "read_text_file": ["file_path": "s/a.txt"],
            "write_json_file": ["file_path": "s/b.json", "data": ["k": 1]], "read_json_file": ["file_path": "s/b.json"],
            "file_info": ["file_path": "s/a.txt"], "create_directory": ["directory_path": "s/c"],
            "generate_report": ["topic": "Servers", "sections": 1, "section_ms": 0],
            "list_directory": ["directory_path": "s"],
        ]
        let bad: [String: [String: Value]] = [
            "add": ["a": "x", "b": 1], "subtract": [:], "multiply": ["a": 1e308, "b": 1e308],
            "divide": ["a": 1, "b": 0],
            "power": ["a": 0, "b": -2], "sqrt": ["x": -1], "calculate_bmi": ["weight_kg": -1, "height_m": 1],
            "percentage": ["value": "x", "percentage": 1], "average": ["numbers": []],
            "calculate": ["expression": "1/0"],
            "count_words": ["text": 1], "convert_case": ["text": "x", "case_type": "wavy"], "extract_emails": [:],
            "extract_urls": [:],
            "replace_text": ["text": "x", "pattern": "(", "replacement": "", "use_regex": true], "clean_text": [:],
            "generate_slug": ["text": .null], "text_statistics": ["text": [1]],
            "write_text_file": ["file_path": "../x", "content": "x"], "read_text_file": ["file_path": "/etc/passwd"],
            "write_json_file": ["file_path": "s/b.json", "data": ["k": 2]], "read_json_file": ["file_path": "s/a.txt"],
            "file_info": ["file_path": "missing"], "create_directory": ["directory_path": ""],
            "list_directory": ["directory_path": "nope"], "generate_report": ["topic": "x", "sections": 0],
        ]
        let order = tools.map(\.name).sorted {
            ($0.hasPrefix("write") || $0.hasPrefix("create")) && !($1.hasPrefix("write") || $1.hasPrefix("create"))
        }
        for name in order {
            if ["delete_file", "summarize_text"].contains(name) {
                // They ask the client, and this client declared neither elicitation nor sampling.
                let arguments: [String: Value] = name == "delete_file" ? ["file_path": "s/a.txt"] : ["text": "x"]
                let refused = try await client.callTool(name: name, arguments: arguments)
                #expect(refused.isError == true, "\(name) without the client's capability")
                #expect("\(refused.content)".contains("needs its client"), "\(refused.content)")
                continue
            }
            let ok = try await client.callTool(name: name, arguments: good[name])
            #expect(ok.isError != true, "\(name) good input: \(ok.content)")
            let failed = try await client.callTool(name: name, arguments: bad[name])
            #expect(failed.isError == true, "\(name) bad input")
        }

        let resources = try await client.listResources().resources
        #expect(resources.count == 10)
        for resource in resources {
            let contents = try await client.readResource(uri: resource.uri)
            #expect(contents.count == 1, "\(resource.uri)")
        }
        let templates = try await client.listResourceTemplates().templates
        #expect(templates.map(\.uriTemplate) == ["config://user/{user_id}", "file:///{+path}"])
        #expect(try await client.readResource(uri: "config://user/bob").count == 1)

        let prompts = try await client.listPrompts().prompts
        #expect(prompts.count == 8)
        let arguments: [String: [String: String]] = [
            "code_review": ["code": "x"], "bug_analysis": ["error_message": "e"], "code_optimization": ["code": "x"],
            "architecture_review": ["description": "d"], "data_analysis": ["data_description": "d"],
            "statistical_analysis": ["hypothesis": "h", "data_info": "d"],
            "predictive_modeling": ["target_variable": "t", "features_description": "f"],
            "data_quality_assessment": ["dataset_info": "d"],
        ]
        for prompt in prompts {
            let rendered = try await client.getPrompt(name: prompt.name, arguments: arguments[prompt.name])
            #expect(!rendered.messages.isEmpty, "\(prompt.name)")
        }
        let completion = try await client.complete(
            promptName: "code_review", argumentName: "language", argumentValue: "sw")
        #expect(completion.values == ["swift"])
        try await client.ping()
    }
}
