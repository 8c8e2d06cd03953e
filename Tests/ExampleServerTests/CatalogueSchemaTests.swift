import ExampleServer
import MCPCore
import Testing

/// Every catalogue tool's schema, checked against what its Swift signature says: names, types,
/// which parameters are required, and defaults. The original scaffold's names are its public
/// interface.
@Suite("Catalogue schemas")
struct CatalogueSchemaTests {
    struct Expected {
        let name: String
        /// parameter → (JSON type, default or nil)
        let parameters: [(String, String, JSONValue?)]
        let required: [String]
    }

    static let expected: [Expected] = [
        .init(name: "add", parameters: [("a", "number", nil), ("b", "number", nil)], required: ["a", "b"]),
        .init(name: "subtract", parameters: [("a", "number", nil), ("b", "number", nil)], required: ["a", "b"]),
        .init(name: "multiply", parameters: [("a", "number", nil), ("b", "number", nil)], required: ["a", "b"]),
        .init(name: "divide", parameters: [("a", "number", nil), ("b", "number", nil)], required: ["a", "b"]),
        .init(name: "power", parameters: [("a", "number", nil), ("b", "number", nil)], required: ["a", "b"]),
        .init(name: "sqrt", parameters: [("x", "number", nil)], required: ["x"]),
        .init(
            name: "calculate_bmi", parameters: [("weight_kg", "number", nil), ("height_m", "number", nil)],
            required: ["weight_kg", "height_m"]),
        .init(
            name: "percentage", parameters: [("value", "number", nil), ("percentage", "number", nil)],
            required: ["value", "percentage"]),
        .init(name: "average", parameters: [("numbers", "array", nil)], required: ["numbers"]),
        .init(name: "calculate", parameters: [("expression", "string", nil)], required: ["expression"]),
        .init(name: "count_words", parameters: [("text", "string", nil)], required: ["text"]),
        .init(
            name: "convert_case", parameters: [("text", "string", nil), ("case_type", "string", nil)],
            required: ["text", "case_type"]),
        .init(name: "extract_emails", parameters: [("text", "string", nil)], required: ["text"]),
        .init(name: "extract_urls", parameters: [("text", "string", nil)], required: ["text"]),
        .init(
            name: "replace_text",
            parameters: [
                ("text", "string", nil), ("pattern", "string", nil), ("replacement", "string", nil),
                ("use_regex", "boolean", false),
            ],
            required: ["text", "pattern", "replacement"]),
        .init(name: "clean_text", parameters: [("text", "string", nil)], required: ["text"]),
        .init(name: "generate_slug", parameters: [("text", "string", nil)], required: ["text"]),
        .init(name: "text_statistics", parameters: [("text", "string", nil)], required: ["text"]),
        .init(name: "list_directory", parameters: [("directory_path", "string", ".")], required: []),
        .init(name: "read_text_file", parameters: [("file_path", "string", nil)], required: ["file_path"]),
        .init(
            name: "write_text_file",
            parameters: [("file_path", "string", nil), ("content", "string", nil), ("overwrite", "boolean", false)],
            required: ["file_path", "content"]),
        .init(name: "read_json_file", parameters: [("file_path", "string", nil)], required: ["file_path"]),
        .init(
            name: "write_json_file",
            parameters: [
                ("file_path", "string", nil), ("data", "", nil), ("overwrite", "boolean", false),
                ("indent", "integer", 2),
            ],
            required: ["file_path", "data"]),
        .init(name: "file_info", parameters: [("file_path", "string", nil)], required: ["file_path"]),
        .init(name: "create_directory", parameters: [("directory_path", "string", nil)], required: ["directory_path"]),
        // Beyond the original: tools that ask the client.
        .init(name: "delete_file", parameters: [("file_path", "string", nil)], required: ["file_path"]),
        .init(
            name: "summarize_text", parameters: [("text", "string", nil), ("max_words", "integer", 50)],
            required: ["text"]),
    ]

    @Test func theCatalogueHasTheOriginalToolsInOrderThenTheAskingOnes() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let registry = try ExampleCatalogue.registry(settings: AppSettings(), workspace: sandbox.workspace)
        #expect(registry.tools.map(\.name) == Self.expected.map(\.name))
        #expect(
            registry.resources.map(\.uri) == [
                "system://info", "system://memory", "system://cpu", "system://disk", "system://processes",
                "system://network",
                "config://app", "config://version", "config://capabilities", "config://environment",
            ])
        #expect(registry.templates.map(\.uri) == ["config://user/{user_id}", "file:///{+path}"])
        #expect(
            registry.prompts.map(\.name) == [
                "code_review", "bug_analysis", "code_optimization", "architecture_review", "data_analysis",
                "statistical_analysis", "predictive_modeling", "data_quality_assessment",
            ])
    }

    @Test(arguments: expected.map(\.name))
    func schemaMatchesTheSignature(_ name: String) throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let registry = try ExampleCatalogue.registry(settings: AppSettings(), workspace: sandbox.workspace)
        let tool = try #require(registry.tool(named: name))
        let expected = try #require(Self.expected.first { $0.name == name })
        let schema = tool.inputSchema.json
        #expect(schema["type"] == "object")
        #expect(schema["additionalProperties"] == false)
        let properties = try #require(schema["properties"]?.objectValue)
        #expect(properties.keys == expected.parameters.map(\.0))
        for (parameter, type, defaultValue) in expected.parameters {
            let property = try #require(properties[parameter]?.objectValue)
            #expect(property["type"] == (type.isEmpty ? nil : .string(type)), "\(name).\(parameter)")
            #expect(property["default"] == defaultValue, "\(name).\(parameter) default")
            #expect(property["description"]?.stringValue?.isEmpty == false, "\(name).\(parameter) needs a description")
        }
        #expect((schema["required"]?.arrayValue ?? []) == expected.required.map { .string($0) })
        #expect(tool.description?.isEmpty == false)
        #expect(tool.title?.isEmpty == false)
        #expect(tool.outputSchema?.json["type"] == "object")
    }

    @Test func enumerableParametersListTheirValues() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let registry = try ExampleCatalogue.registry(settings: AppSettings(), workspace: sandbox.workspace)
        let convert = try #require(registry.tool(named: "convert_case"))
        #expect(
            convert.inputSchema.json["properties"]?["case_type"]?["enum"] == ["upper", "lower", "title", "capitalize"])
        let average = try #require(registry.tool(named: "average"))
        #expect(average.inputSchema.json["properties"]?["numbers"]?["items"] == ["type": "number"])
        let bmi = try #require(registry.tool(named: "calculate_bmi")?.outputSchema)
        #expect(bmi.json["required"] == ["bmi", "category", "weight_kg", "height_m"])
    }

    @Test func annotationsDescribeBehaviour() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let registry = try ExampleCatalogue.registry(settings: AppSettings(), workspace: sandbox.workspace)
        #expect(registry.tool(named: "add")?.annotations.readOnly == true)
        #expect(registry.tool(named: "read_text_file")?.annotations.readOnly == true)
        #expect(registry.tool(named: "write_text_file")?.annotations.destructive == true)
        #expect(registry.tool(named: "create_directory")?.annotations.readOnly == false)
    }
}
