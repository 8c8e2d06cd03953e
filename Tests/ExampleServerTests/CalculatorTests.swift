import ExampleServer
import MCPCore
import MCPTesting
import Testing

@Suite("Calculator tools")
struct CalculatorTests {
    let client = try! MCPTestClient(catalogues: [Calculator()])

    func value(_ tool: String, _ arguments: JSONObject) async throws -> JSONValue? {
        let result = try await client.callTool(tool, arguments)
        #expect(result["isError"] == false, "\(tool): \(result.text ?? "")")
        return result["structuredContent"]?["result"]
    }

    func error(_ tool: String, _ arguments: JSONObject) async throws -> String? {
        let result = try await client.callTool(tool, arguments)
        #expect(result["isError"] == true)
        return result.text
    }

    @Test func arithmetic() async throws {
        #expect(try await value("add", ["a": 2, "b": 3]) == 5.0)
        #expect(try await value("subtract", ["a": 2, "b": 3.5]) == -1.5)
        #expect(try await value("multiply", ["a": 4, "b": 2.5]) == 10.0)
        #expect(try await value("divide", ["a": 7, "b": 2]) == 3.5)
        #expect(try await value("power", ["a": 2, "b": 10]) == 1024.0)
        #expect(try await value("sqrt", ["x": 16]) == 4.0)
        #expect(try await value("percentage", ["value": 200, "percentage": 15]) == 30.0)
        #expect(try await value("average", ["numbers": [1, 2, 3, 4]]) == 2.5)
    }

    @Test func arithmeticErrors() async throws {
        #expect(try await error("divide", ["a": 1, "b": 0]) == "Cannot divide by zero")
        #expect(try await error("sqrt", ["x": -4]) == "Cannot calculate square root of negative number")
        #expect(try await error("average", ["numbers": []]) == "Cannot calculate average of empty list")
        #expect(try await error("power", ["a": 0, "b": -1]) == "Cannot raise zero to a negative power")
        #expect(try await error("power", ["a": -8, "b": 0.5]) == "A negative base needs a whole-number exponent")
        #expect(try await error("multiply", ["a": 1e308, "b": 10]) == "Result is out of range")
        #expect(try await error("add", ["a": "2", "b": 3]) == "Invalid argument 'a': expected number, got string")
    }

    @Test func bmiHasValueAndCategory() async throws {
        let result = try await client.callTool("calculate_bmi", ["weight_kg": 70, "height_m": 1.75])
        #expect(
            result["structuredContent"] == [
                "bmi": 22.86, "category": "Normal weight", "weight_kg": 70.0, "height_m": 1.75,
            ])
        for (weight, category) in [(50.0, "Underweight"), (80.0, "Overweight"), (120.0, "Obese")] {
            let other = try await client.callTool("calculate_bmi", ["weight_kg": .double(weight), "height_m": 1.75])
            #expect(other["structuredContent"]?["category"] == .string(category))
        }
        #expect(
            try await error("calculate_bmi", ["weight_kg": 0, "height_m": 1.75])
                == "Weight and height must be positive numbers")
    }

    @Test(arguments: [
        ("2+3*4", 14.0), ("(2+3)*4", 20.0), ("-2^2", -4.0), ("2^3^2", 512.0), ("2**3", 8.0), ("--3", 3.0),
        ("10 % 4", 2.0), ("sqrt(16) / 4", 1.0), ("abs(-2.5)", 2.5), ("1.5e2 + .5", 150.5), ("-(1.5 + 2)^2", -12.25),
    ])
    func evaluatesExpressions(_ expression: String, _ expected: Double) async throws {
        #expect(try await value("calculate", ["expression": .string(expression)]) == .double(expected))
    }

    @Test(arguments: [
        ("1/0", "Division by zero"), ("2+", "Expression ends unexpectedly"), ("(1", "Missing ')'"),
        ("import os", "Unknown name 'import'"), ("__import__('os')", "Unsupported character '_' in expression"),
        ("", "Expression is empty"), ("1 2", "Unexpected '2.0' in expression"),
        ("sqrt(-1)", "Cannot take the square root of a negative number"),
        ("10^400", "Result is not a finite number"),
    ])
    func rejectsBadExpressions(_ expression: String, _ message: String) async throws {
        #expect(try await error("calculate", ["expression": .string(expression)]) == message)
    }

    @Test func boundsExpressionLengthAndDepth() async throws {
        let long = String(repeating: "1+", count: 600) + "1"
        #expect(
            try await error("calculate", ["expression": .string(long)])
                == "Expression too long (at most 1000 bytes of UTF-8)")
        // 600 characters, 1200 bytes: the limit counts bytes, and the message says so.
        let wide = String(repeating: "é", count: 600)
        #expect(
            try await error("calculate", ["expression": .string(wide)])
                == "Expression too long (at most 1000 bytes of UTF-8)")
        let deep = String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)
        #expect(
            try await error("calculate", ["expression": .string(deep)])
                == "Expression nested too deeply (at most 64 levels)")
        let unary = String(repeating: "-", count: 500) + "1"
        #expect(
            try await error("calculate", ["expression": .string(unary)])
                == "Expression nested too deeply (at most 64 levels)")
    }
}
