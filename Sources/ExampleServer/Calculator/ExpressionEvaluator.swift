import Foundation
import MCPCore

/// Evaluates arithmetic expressions such as `2+3*4`, `-(1.5 + 2)^2` or `sqrt(16) / 4` with a
/// recursive-descent parser: no `eval`, bounded input length and nesting depth.
///
/// Grammar (usual precedence; `^` and `**` bind tighter than unary minus and associate to the right):
/// ```
/// expression := term (("+" | "-") term)*
/// term       := unary (("*" | "/" | "%") unary)*
/// unary      := ("+" | "-") unary | power
/// power      := primary (("^" | "**") unary)?
/// primary    := number | constant | function "(" expression ")" | "(" expression ")"
/// ```
struct ExpressionEvaluator: Sendable {
    /// The longest expression accepted, in bytes of UTF-8.
    var maxLength = 1000
    /// The deepest nesting accepted: parentheses, function calls, unary signs and exponents each add a level.
    var maxDepth = 64

    /// An evaluator with the default limits: 1000 bytes, 64 levels.
    init() {}

    /// The value of `expression`; a ``ToolError`` explains what is wrong with it.
    func evaluate(_ expression: String) throws(ToolError) -> Double {
        guard expression.utf8.count <= maxLength else {
            throw ToolError("Expression too long (at most \(maxLength) bytes of UTF-8)")
        }
        var parser = Parser(tokens: try Self.tokenize(expression), maxDepth: maxDepth)
        let value = try parser.parseExpression(depth: 0)
        guard parser.index == parser.tokens.count else {
            throw ToolError("Unexpected '\(parser.tokens[parser.index])' in expression")
        }
        guard value.isFinite else { throw ToolError("Result is not a finite number") }
        return value
    }

    enum Token: Equatable, CustomStringConvertible {
        case number(Double)
        case identifier(String)
        case symbol(String)

        var description: String {
            switch self {
            case .number(let value): return String(value)
            case .identifier(let name): return name
            case .symbol(let symbol): return symbol
            }
        }
    }

    static func tokenize(_ text: String) throws(ToolError) -> [Token] {
        var tokens: [Token] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == " " || scalar == "\t" {
                index += 1
            } else if ("0"..."9").contains(scalar) || scalar == "." {
                var end = index
                while end < scalars.count, ("0"..."9").contains(scalars[end]) || scalars[end] == "." { end += 1 }
                if end < scalars.count, scalars[end] == "e" || scalars[end] == "E" {
                    var exponentEnd = end + 1
                    if exponentEnd < scalars.count, scalars[exponentEnd] == "+" || scalars[exponentEnd] == "-" {
                        exponentEnd += 1
                    }
                    if exponentEnd < scalars.count, ("0"..."9").contains(scalars[exponentEnd]) {
                        end = exponentEnd
                        while end < scalars.count, ("0"..."9").contains(scalars[end]) { end += 1 }
                    }
                }
                let literal = String(String.UnicodeScalarView(scalars[index..<end]))
                guard let value = Double(literal) else { throw ToolError("Invalid number '\(literal)'") }
                tokens.append(.number(value))
                index = end
            } else if scalar.properties.isAlphabetic {
                var end = index
                while end < scalars.count, scalars[end].properties.isAlphabetic || ("0"..."9").contains(scalars[end]) {
                    end += 1
                }
                tokens.append(.identifier(String(String.UnicodeScalarView(scalars[index..<end])).lowercased()))
                index = end
            } else if scalar == "*", index + 1 < scalars.count, scalars[index + 1] == "*" {
                tokens.append(.symbol("^"))
                index += 2
            } else if "+-*/%^()".unicodeScalars.contains(scalar) {
                tokens.append(.symbol(String(scalar)))
                index += 1
            } else {
                throw ToolError("Unsupported character '\(LogSafe.escape(String(scalar)))' in expression")
            }
        }
        guard !tokens.isEmpty else { throw ToolError("Expression is empty") }
        return tokens
    }

    struct Parser {
        let tokens: [Token]
        let maxDepth: Int
        var index = 0

        init(tokens: [Token], maxDepth: Int) {
            self.tokens = tokens
            self.maxDepth = maxDepth
        }

        mutating func take(_ symbol: String) -> Bool {
            guard index < tokens.count, tokens[index] == .symbol(symbol) else { return false }
            index += 1
            return true
        }

        mutating func parseExpression(depth: Int) throws(ToolError) -> Double {
            guard depth <= maxDepth else {
                throw ToolError("Expression nested too deeply (at most \(maxDepth) levels)")
            }
            var value = try parseTerm(depth: depth)
            while true {
                if take("+") {
                    value += try parseTerm(depth: depth)
                } else if take("-") {
                    value -= try parseTerm(depth: depth)
                } else {
                    return value
                }
            }
        }

        mutating func parseTerm(depth: Int) throws(ToolError) -> Double {
            var value = try parseUnary(depth: depth)
            while true {
                if take("*") {
                    value *= try parseUnary(depth: depth)
                } else if take("/") {
                    let divisor = try parseUnary(depth: depth)
                    guard divisor != 0 else { throw ToolError("Division by zero") }
                    value /= divisor
                } else if take("%") {
                    let divisor = try parseUnary(depth: depth)
                    guard divisor != 0 else { throw ToolError("Modulo by zero") }
                    value = value.truncatingRemainder(dividingBy: divisor)
                } else {
                    return value
                }
            }
        }

        mutating func parseUnary(depth: Int) throws(ToolError) -> Double {
            guard depth <= maxDepth else {
                throw ToolError("Expression nested too deeply (at most \(maxDepth) levels)")
            }
            if take("-") { return -(try parseUnary(depth: depth + 1)) }
            if take("+") { return try parseUnary(depth: depth + 1) }
            let base = try parsePrimary(depth: depth)
            if take("^") {
                let exponent = try parseUnary(depth: depth + 1)
                let result = pow(base, exponent)
                guard result.isFinite else { throw ToolError("Result is not a finite number") }
                return result
            }
            return base
        }

        mutating func parsePrimary(depth: Int) throws(ToolError) -> Double {
            guard index < tokens.count else { throw ToolError("Expression ends unexpectedly") }
            let token = tokens[index]
            index += 1
            switch token {
            case .number(let value):
                return value
            case .symbol("("):
                let value = try parseExpression(depth: depth + 1)
                guard take(")") else { throw ToolError("Missing ')'") }
                return value
            case .identifier("pi"):
                return Double.pi
            case .identifier("e"):
                return 2.718_281_828_459_045
            case .identifier(let name):
                guard take("(") else { throw ToolError("Unknown name '\(LogSafe.clip(name, to: 20))'") }
                let argument = try parseExpression(depth: depth + 1)
                guard take(")") else { throw ToolError("Missing ')'") }
                return try Self.apply(name, argument)
            case .symbol(let symbol):
                throw ToolError("Unexpected '\(symbol)' in expression")
            }
        }

        static func apply(_ function: String, _ argument: Double) throws(ToolError) -> Double {
            switch function {
            case "sqrt":
                guard argument >= 0 else { throw ToolError("Cannot take the square root of a negative number") }
                return argument.squareRoot()
            case "abs": return abs(argument)
            default: throw ToolError("Unknown function '\(LogSafe.clip(function, to: 20))'")
            }
        }
    }
}
