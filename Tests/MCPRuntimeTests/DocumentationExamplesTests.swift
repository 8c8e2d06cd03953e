// The user guide's Swift code (Sources/MCPCore/MCPCore.docc: YourFirstServer, AddATool, TestIt), compiled and
// run here so the guide cannot rot: it is the package `mcp-server new weather-server` writes, with the tools and
// tests the guide adds to it. `.ci/check_doc_snippets.py` fails when a ```swift block of those pages is not in this
// file line for line (leading indentation aside), and when a `docs:template` region differs from what `new` writes
// (Templates/server rendered for weather-server; whitespace and the `docs:added` spans aside).
// docs:stands-in-for WeatherServer (the generated package's module: its code is in this file)
public import MCPCore
import MCPRuntime
import MCPTesting
import Testing

// docs:template Sources/__MODULE__/__MODULE__Tools.swift.mustache
/// The tools of weather-server. A tool is a documented function with `@Tool`: its name, description and
/// JSON Schema come from the declaration (AGENTS.md shows how to add one).
@Catalogue
public struct WeatherServerTools: Sendable {
    public init() {}

    /// Greets someone by name.
    /// - Parameter name: Who to greet.
    @Tool(annotations: .pure)
    static func greet(name: String) -> String {
        "Hello, \(name)!"
    }
    // docs:added (AddATool.md, TestIt.md)

    /// Converts a temperature from degrees Celsius to degrees Fahrenheit.
    /// - Parameter celsius: The temperature in °C, at least -273.15.
    @Tool(annotations: .pure)
    static func fahrenheit(celsius: Double) throws -> Double {
        guard celsius >= -273.15 else { throw ToolError("celsius must be at least -273.15") }
        return celsius * 9 / 5 + 32
    }

    /// The first folder the client lets this server work in.
    @Tool("first_root")
    static func firstRoot(context: HandlerContext) async throws -> String {
        try await context.roots().first ?? "none"
    }
    // docs:added-end
}
// docs:end

// docs:template Sources/__MODULE__/__MODULE__Server.swift.mustache
/// Everything weather-server offers, in the order clients list it.
public enum WeatherServerServer {
    public static func catalogues() -> [any Catalogue] {
        [WeatherServerTools()]
    }
}
// docs:end

/// `Sources/weather-server/main.swift`: its top-level code is this function's body (a test target has no top-level
/// code). Never called.
func weatherServerMain() async {
    // docs:template Sources/__NAME__/main.swift.mustache
    await MCPApplication.main(
        ServerDefinition(
            name: "weather-server", defaults: ["TRANSPORT": "streamable-http"],
            catalogues: WeatherServerServer.catalogues()))
    // docs:end
}

/// A Body Mass Index with its category.
@Schema
public struct BMI: Sendable {
    /// kg/m², two decimals.
    var bmi: Double
    var category: String
}

@Catalogue
public struct WeatherServerHealth: Sendable {
    public init() {}

    /// Calculate the Body Mass Index.
    /// - Parameters:
    ///   - weight_kg: Body weight in kilograms.
    ///   - height_m: Height in metres.
    @Tool("calculate_bmi", annotations: .pure)
    static func bmi(weight_kg weight: Double, height_m height: Double) throws -> BMI {
        guard height > 0 else { throw ToolError("height_m must be positive") }
        let value = (weight / (height * height) * 100).rounded() / 100
        return BMI(bmi: value, category: value < 25 ? "normal" : "overweight")
    }
}

/// A resource and a prompt (AddATool.md).
@Catalogue
public struct WeatherServerGuides: Sendable {
    public init() {}

    /// The cities the forecasts cover.
    @Resource("weather://cities", mimeType: "application/json")
    static func cities() -> JSONValue { ["Lisbon", "Oslo"] }

    /// Ask for a packing list for a trip.
    /// - Parameter city: Where the trip goes.
    @Prompt("packing_list")
    static func packingList(city: String) -> String { "What should I pack for three days in \(city)?" }
}

/// The guide's tests, under one name: `swift test --filter DocumentationExamples`.
@Suite("User guide examples")
struct DocumentationExamples {
    /// What AddATool.md says the declaration gives: the input schema, and the output schema of a plain `Double`.
    @Test func fahrenheitSchemas() async throws {
        let client = try MCPTestClient(catalogues: WeatherServerServer.catalogues())
        let tool = try #require(try await client.listTools().first { $0["name"] == "fahrenheit" })
        #expect(
            JSONWriter.string(tool["inputSchema"] ?? .null)
                == #"{"type":"object","properties":{"celsius":{"type":"number","description":"The temperature in °C, at least -273.15."}},"required":["celsius"],"additionalProperties":false}"#
        )
        #expect(
            JSONWriter.string(tool["outputSchema"] ?? .null)
                == #"{"type":"object","properties":{"result":{"type":"number"}},"required":["result"],"additionalProperties":true}"#
        )
    }

    @Test func bmiIsStructured() async throws {
        let client = try MCPTestClient(catalogues: [WeatherServerHealth()])
        let result = try await client.callTool("calculate_bmi", ["weight_kg": 70, "height_m": 1.75])
        #expect(try result.structured(as: Double.self, at: "bmi") == 22.86)
        #expect(result.structuredContent?["category"] == "normal")
    }
}

extension DocumentationExamples {
    // docs:template Tests/__MODULE__Tests/__MODULE__ToolsTests.swift.mustache
    @Suite("weather-server tools")
    struct WeatherServerToolsTests {
        let client = try! MCPTestClient(catalogues: WeatherServerServer.catalogues())

        @Test func greet() async throws {
            #expect(try await client.callTool("greet", ["name": "Ada"]).text == "Hello, Ada!")
        }

        @Test func greetNeedsAName() async throws {
            let result = try await client.callTool("greet", [:])
            #expect(result.isError)
            #expect(result.text == "Missing required argument 'name'")
        }
        // docs:added (AddATool.md, TestIt.md)

        @Test func fahrenheit() async throws {
            #expect(try await client.callTool("fahrenheit", ["celsius": 100]).structuredContent?["result"] == 212.0)
            #expect(try await client.callTool("fahrenheit", ["celsius": -300]).isError)
        }

        @Test func fahrenheitIsANumber() async throws {
            let result = try await client.callTool("fahrenheit", ["celsius": -40])
            #expect(!result.isError)
            #expect(try result.structured(as: Double.self, at: "result") == -40)
        }

        @Test func fahrenheitNeedsANumber() async throws {
            let result = try await client.callTool("fahrenheit", ["celsius": "warm"])
            #expect(result.isError)
            #expect(result.text == "Invalid argument 'celsius': expected number, got string")
        }

        @Test func fahrenheitInTheHandshakeEra() async throws {
            let client = try MCPTestClient(catalogues: WeatherServerServer.catalogues(), mode: .handshake(.v2025_11_25))
            #expect(try await client.callTool("fahrenheit", ["celsius": 0]).structuredContent?["result"] == 32.0)
        }

        @Test func fahrenheitOverHTTP() async throws {
            let client = try MCPTestClient(catalogues: WeatherServerServer.catalogues(), transport: .live)
            let result = try await client.callTool("fahrenheit", ["celsius": 37])
            await client.close()
            #expect(try result.structured(as: Double.self, at: "result") == 98.6)
        }

        @Test func firstRootAsksTheClient() async throws {
            client.answerRequests { method, _ in
                #expect(method == "roots/list")
                return ["roots": [["uri": "file:///home/ada/notes"]]]
            }
            #expect(try await client.callTool("first_root").text == "file:///home/ada/notes")
        }

        @Test func citiesAndPackingList() async throws {
            let client = try MCPTestClient(catalogues: [WeatherServerGuides()])
            #expect(try await client.readResource("weather://cities").text == #"["Lisbon","Oslo"]"#)
            let prompt = try await client.getPrompt("packing_list", ["city": "Oslo"])
            #expect(prompt.messages.count == 1)
        }
        // docs:added-end
    }
    // docs:end
}
