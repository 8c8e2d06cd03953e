import ExampleServer
import Foundation
import MCPCore
import MCPTesting
import Testing

@Suite("Resources and prompts")
struct ResourceAndPromptTests {
    @Test(arguments: [
        ("system://info", ["platform", "system", "machine", "hostname", "timestamp"]),
        ("system://memory", ["virtual_memory", "swap_memory", "timestamp"]),
        ("system://cpu", ["cpu_count", "cpu_count_logical", "cpu_percent", "cpu_freq", "load_average", "timestamp"]),
        ("system://disk", ["disk_usage", "timestamp"]),
        ("system://processes", ["total_processes", "top_processes", "timestamp"]),
        ("system://network", ["interfaces", "io_counters", "timestamp"]),
        ("config://app", ["app_name", "version", "environment", "host", "port", "transport", "log_level"]),
        ("config://version", ["version", "app_name", "mcp_protocol_versions", "swift_version"]),
        ("config://capabilities", ["features", "tools_count", "resources_count", "prompts_count"]),
        ("config://environment", ["environment", "log_level", "has_api_key", "has_secret_key"]),
        ("config://user/alice", ["user_id", "preferences", "permissions"]),
    ])
    func readsEveryResource(_ uri: String, _ keys: [String]) async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let result = try await sandbox.client().result("resources/read", ["uri": .string(uri)])
        let content = try #require(result["contents"]?.arrayValue?.first)
        #expect(content["uri"] == .string(uri))
        #expect(content["mimeType"] == "application/json")
        let json = try JSONParser.parse(try #require(content["text"]?.stringValue))
        for key in keys { #expect(json[key] != nil, "\(uri) lacks \(key)") }
    }

    @Test func systemValuesAreReal() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let client = try sandbox.client()
        func read(_ uri: String) async throws -> JSONValue {
            let result = try await client.result("resources/read", ["uri": .string(uri)])
            return try JSONParser.parse(result["contents"]?.arrayValue?.first?["text"]?.stringValue ?? "")
        }
        #expect(try await read("system://info")["system"] == "Linux")
        #expect(try await read("system://memory")["virtual_memory"]?["total"]?.intValue ?? 0 > 0)
        #expect(try await read("system://cpu")["cpu_count_logical"]?.intValue ?? 0 >= 1)
        #expect(try await read("system://processes")["total_processes"]?.intValue ?? 0 >= 1)
        #expect(try await read("config://capabilities")["tools_count"] == .int(client.server.registry.tools.count))
    }

    /// The resources' `timestamp` is what `Date().ISO8601Format()` writes, to the second.
    @Test func timestampsAreISO8601LikeFoundations() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let client = try sandbox.client()
        for uri in ["config://version", "system://info"] {
            let before = Date().ISO8601Format()
            let result = try await client.result("resources/read", ["uri": .string(uri)])
            let after = Date().ISO8601Format()
            let json = try JSONParser.parse(result["contents"]?.arrayValue?.first?["text"]?.stringValue ?? "")
            let stamp = try #require(json["timestamp"]?.stringValue)
            // Same width and order of fields, so the text sorts as the time does.
            #expect(
                stamp.count == before.count && before <= stamp && stamp <= after, "\(stamp) in \(before)...\(after)")
        }
    }

    @Test func neverRevealsSecrets() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        var settings = AppSettings()
        settings.secretsPresent = ["API_KEY": true, "SECRET_KEY": false]
        let registry = try ExampleCatalogue.registry(settings: settings, workspace: sandbox.workspace)
        let client = MCPTestClient(
            server: MCPServer(
                registry: registry, configuration: ServerConfiguration(info: ServerInfo(name: "t", version: "0"))))
        let result = try await client.result("resources/read", ["uri": "config://environment"])
        let json = try JSONParser.parse(result["contents"]?.arrayValue?.first?["text"]?.stringValue ?? "")
        #expect(json["has_api_key"] == true)
        #expect(json["has_secret_key"] == false)
    }

    @Test func unknownUsersAreNotFound() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let response = try await sandbox.client().send("resources/read", ["uri": "config://user/bad%20id"])
        #expect(response["error"]?["code"] == -32602)
    }

    @Test(
        arguments: [
            ("code_review", ["code": "print(1)"], ["```python", "print(1)", "Security"]),
            ("code_review", ["code": "let x = 1", "language": "swift"], ["```swift"]),
            (
                "bug_analysis", ["error_message": "KeyError: 'x'", "code_context": "d['x']"],
                ["KeyError", "d['x']", "Root cause"]
            ),
            ("bug_analysis", ["error_message": "boom"], ["boom"]),
            ("code_optimization", ["code": "x"], ["performance"]),
            (
                "architecture_review", ["description": "three tiers", "requirements": "99.9%"],
                ["three tiers", "99.9%"]
            ),
            ("data_analysis", ["data_description": "sales"], ["sales", "Exploratory"]),
            ("statistical_analysis", ["hypothesis": "A > B", "data_info": "two groups"], ["A > B", "H₀"]),
            (
                "predictive_modeling", ["target_variable": "churn", "features_description": "usage"],
                ["churn", "usage"]
            ),
            ("data_quality_assessment", ["dataset_info": "crm export"], ["crm export", "Completeness"]),
        ] as [(String, [String: String], [String])])
    func rendersEveryPrompt(_ name: String, _ arguments: [String: String], _ expected: [String]) async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let args = JSONObject(arguments.map { ($0.key, JSONValue.string($0.value)) })
        let result = try await sandbox.client().result(
            "prompts/get", ["name": .string(name), "arguments": .object(args)])
        let text = try #require(result["messages"]?.arrayValue?.first?["content"]?["text"]?.stringValue)
        for fragment in expected { #expect(text.contains(fragment), "\(name) lacks \(fragment)") }
        #expect(result["messages"]?.arrayValue?.first?["role"] == "user")
    }

    @Test func requiredPromptArgumentsAreEnforced() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let response = try await sandbox.client().send(
            "prompts/get", ["name": "statistical_analysis", "arguments": ["hypothesis": "x"]])
        #expect(response["error"]?["code"] == -32602)
        #expect(response["error"]?["message"] == "Invalid params: Missing required argument 'data_info'")
    }

    @Test func completesLanguagesAndUsers() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let client = try sandbox.client()
        let languages = try await client.result(
            "completion/complete",
            ["ref": ["type": "ref/prompt", "name": "code_review"], "argument": ["name": "language", "value": "py"]])
        #expect(languages["completion"]?["values"] == ["python"])
        let users = try await client.result(
            "completion/complete",
            [
                "ref": ["type": "ref/resource", "uri": "config://user/{user_id}"],
                "argument": ["name": "user_id", "value": "a"],
            ])
        #expect(users["completion"]?["values"] == ["admin", "alice"])
    }
}
