import Foundation
public import MCPCore

/// The calculator tools: arithmetic, BMI, percentages, averages and expression evaluation.
@Catalogue
public struct Calculator: Sendable {
    /// The calculator; it has no state.
    public init() {}

    /// Add two numbers together.
    /// - Parameters:
    ///   - a: The first number.
    ///   - b: The second number.
    @Tool(title: "Add Numbers", annotations: .pure)
    static func add(a: Double, b: Double) throws -> Double {
        try finite(a + b)
    }

    /// Subtract the second number from the first.
    /// - Parameters:
    ///   - a: The number to subtract from.
    ///   - b: The number to subtract.
    @Tool(title: "Subtract Numbers", annotations: .pure)
    static func subtract(a: Double, b: Double) throws -> Double {
        try finite(a - b)
    }

    /// Multiply two numbers.
    /// - Parameters:
    ///   - a: The first factor.
    ///   - b: The second factor.
    @Tool(title: "Multiply Numbers", annotations: .pure)
    static func multiply(a: Double, b: Double) throws -> Double {
        try finite(a * b)
    }

    /// Divide the first number by the second.
    /// - Parameters:
    ///   - a: The dividend.
    ///   - b: The divisor; must not be zero.
    @Tool(title: "Divide Numbers", annotations: .pure)
    static func divide(a: Double, b: Double) throws -> Double {
        guard b != 0 else { throw ToolError("Cannot divide by zero") }
        return try finite(a / b)
    }

    /// Raise a to the power of b.
    /// - Parameters:
    ///   - a: The base.
    ///   - b: The exponent.
    @Tool(title: "Calculate Power", annotations: .pure)
    static func power(a: Double, b: Double) throws -> Double {
        if a == 0 && b < 0 { throw ToolError("Cannot raise zero to a negative power") }
        if a < 0 && b.rounded() != b { throw ToolError("A negative base needs a whole-number exponent") }
        return try finite(pow(a, b))
    }

    /// Calculate the square root of a number.
    /// - Parameter x: A number that is not negative.
    @Tool(title: "Calculate Square Root", annotations: .pure)
    static func sqrt(x: Double) throws -> Double {
        guard x >= 0 else { throw ToolError("Cannot calculate square root of negative number") }
        return x.squareRoot()
    }

    /// Calculate the Body Mass Index and its WHO category.
    /// - Parameters:
    ///   - weight_kg: Body weight in kilograms.
    ///   - height_m: Height in metres.
    @Tool("calculate_bmi", title: "Calculate BMI", annotations: .pure)
    static func calculateBMI(weight_kg weightKg: Double, height_m heightM: Double) throws -> BMIResult {
        guard weightKg > 0, heightM > 0 else { throw ToolError("Weight and height must be positive numbers") }
        let bmi = try finite(weightKg / (heightM * heightM))
        let category: String
        switch bmi {
        case ..<18.5: category = "Underweight"
        case ..<25: category = "Normal weight"
        case ..<30: category = "Overweight"
        default: category = "Obese"
        }
        return BMIResult(
            bmi: (bmi * 100).rounded(.toNearestOrEven) / 100, category: category, weight_kg: weightKg, height_m: heightM
        )
    }

    /// Calculate a percentage of a number.
    /// - Parameters:
    ///   - value: The whole.
    ///   - percentage: How many percent of the whole to take.
    @Tool(title: "Calculate Percentage", annotations: .pure)
    static func percentage(value: Double, percentage: Double) throws -> Double {
        try finite(value * percentage / 100)
    }

    /// Calculate the average of a list of numbers.
    /// - Parameter numbers: The numbers; at least one.
    @Tool(title: "Calculate Average", annotations: .pure)
    static func average(numbers: [Double]) throws -> Double {
        guard !numbers.isEmpty else { throw ToolError("Cannot calculate average of empty list") }
        return try finite(numbers.reduce(0, +) / Double(numbers.count))
    }

    /// Evaluate an arithmetic expression such as "2+3*4" or "-(1.5 + 2)^2": + - * / % ^ (or **),
    /// parentheses, unary minus, sqrt() and abs(), pi and e. No code is executed.
    /// - Parameter expression: The expression, at most 1,000 bytes of UTF-8.
    @Tool(title: "Evaluate Expression", annotations: .pure)
    static func calculate(expression: String) throws -> Double {
        try ExpressionEvaluator().evaluate(expression)
    }

    /// Results beyond the range of Double are errors, not `inf`.
    private static func finite(_ value: Double) throws(ToolError) -> Double {
        guard value.isFinite else { throw ToolError("Result is out of range") }
        return value
    }
}

/// A Body Mass Index with its category.
@Schema
public struct BMIResult: Sendable, Equatable {
    /// BMI in kg/m², rounded to two decimals.
    public var bmi: Double
    /// Underweight, Normal weight, Overweight or Obese.
    public var category: String
    /// The weight the BMI was computed from.
    public var weight_kg: Double
    /// The height the BMI was computed from.
    public var height_m: Double
}
