import MCPCore
import MCPTesting
import Testing

@Suite("Typed declarations")
struct DeclarationTests {
    let tools = Dictionary(uniqueKeysWithValues: SampleCatalogue().tools.map { ($0.name, $0) })

    @Test func derivesTheInputSchemaFromTheSignature() throws {
        let greet = try #require(tools["greet"])
        let expected = try JSONParser.parse(
            """
            {"type":"object","properties":{
              "name":{"type":"string","description":"Who to greet."},
              "times":{"type":"integer","description":"How often.","default":1},
              "style":{"type":"string","enum":["plain","loud"],"description":"The style.","default":"plain"},
              "tags":{"type":"array","items":{"type":"string"},"description":"Extra tags.","default":[]},
              "nickname":{"type":"string","description":"Optional nickname."},
              "address":{"type":"object","properties":{
                  "street":{"type":"string","description":"Street name."},
                  "number":{"type":"integer","description":"House number."}},
                "required":["street"],"additionalProperties":false,"description":"Where they live."}},
             "required":["name"],"additionalProperties":false}
            """)
        #expect(JSONValue.object(greet.inputSchema.json) == expected)
        #expect(greet.title == "Greet")
        #expect(greet.description == "Greets someone.")
        #expect(greet.annotations == .pure)
        #expect(greet.isAsync == false)
        #expect(tools["work"]?.isAsync == true)
    }

    @Test func derivesTheOutputSchemaFromTheReturnType() throws {
        let greet = try #require(tools["greet"])
        let expected = try JSONParser.parse(
            #"{"type":"object","properties":{"text":{"type":"string"},"count":{"type":"integer"}},"required":["text","count"],"additionalProperties":false}"#
        )
        #expect(greet.outputSchema.map { JSONValue.object($0.json) } == expected)
        let wrapped = try #require(tools["refuse"]?.outputSchema)
        #expect(
            JSONValue.object(wrapped.json) == [
                "type": "object", "properties": ["result": ["type": "string"]], "required": ["result"],
                "additionalProperties": true,
            ])
    }

    @Test func leavesTheContextOutOfTheSchema() throws {
        let work = try #require(tools["work"])
        #expect(work.parameters.map(\.name) == ["steps"])
        #expect(tools["named.tool-1"] != nil)
    }

    @Test func callsWithDefaultsAndReturnsStructuredContent() async throws {
        let client = try MCPTestClient(catalogues: [SampleCatalogue()])
        let result = try await client.callTool("greet", ["name": "Ada", "style": "loud", "address": ["street": "Elm"]])
        #expect(result["isError"] == false)
        #expect(result["structuredContent"] == ["text": "HELLO, ADA! of Elm", "count": 1])
        #expect(result["content"]?.arrayValue?.first?["text"] == #"{"text":"HELLO, ADA! of Elm","count":1}"#)
    }

    static let badArguments: [(JSONObject, String)] = [
        (["times": 1], "Missing required argument 'name'"),
        (["name": 5], "Invalid argument 'name': expected string, got integer"),
        (["name": "x", "times": 1.5], "Invalid argument 'times': expected integer, got number"),
        (["name": "x", "style": "quiet"], "Invalid argument 'style': expected one of plain, loud, got \"quiet\""),
        (["name": "x", "tags": ["a", 2]], "Invalid argument 'tags[1]': expected string, got integer"),
        (["name": "x", "address": ["number": 3]], "Invalid argument 'address.street': missing required property"),
        (["name": "x", "address": ["street": "s", "zip": 1]], "Invalid argument 'address.zip': unexpected property"),
        (["name": "x", "extra": true], "Unexpected argument 'extra'"),
    ]

    @Test(arguments: badArguments)
    func reportsBadArgumentsNamingTheParameter(_ arguments: JSONObject, message: String) async throws {
        let client = try MCPTestClient(catalogues: [SampleCatalogue()])
        let result = try await client.callTool("greet", arguments)
        #expect(result["isError"] == true)
        #expect(result["content"]?.arrayValue?.first?["text"] == .string(message))
    }

    @Test func turnsThrownErrorsIntoToolErrorsWithSafeMessages() async throws {
        let client = try MCPTestClient(catalogues: [SampleCatalogue()])
        let refused = try await client.callTool("refuse")
        #expect(refused["isError"] == true)
        #expect(refused["content"]?.arrayValue?.first?["text"] == "not today")
        let exploded = try await client.callTool("explode")
        #expect(exploded["isError"] == true)
        #expect(exploded["content"]?.arrayValue?.first?["text"] == "Tool 'explode' failed with an internal error")
    }

    @Test func timesOutSlowAsyncTools() async throws {
        var configuration = ServerConfiguration(info: ServerInfo(name: "t", version: "0"))
        configuration.toolTimeout = .milliseconds(50)
        let server = MCPServer(registry: try Registry(catalogues: [SampleCatalogue()]), configuration: configuration)
        let result = try await MCPTestClient(server: server).callTool("wait", ["seconds": 30])
        #expect(result["isError"] == true)
        #expect(result["content"]?.arrayValue?.first?["text"] == "Tool 'wait' timed out")
    }

    @Test func rejectsInvalidRegistrations() {
        let bad = ToolDefinition(name: "has space", output: String.self) { _, _ in "" }
        #expect(throws: RegistryError.self) { try Registry(tools: [bad]) }
        let good = ToolDefinition(name: "ok", output: String.self) { _, _ in "" }
        #expect(throws: RegistryError.self) { try Registry(tools: [good, good]) }
        let long = ToolDefinition(name: String(repeating: "a", count: 129), output: String.self) { _, _ in "" }
        #expect(throws: RegistryError.self) { try Registry(tools: [long]) }
    }
}
