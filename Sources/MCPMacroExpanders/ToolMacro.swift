package import SwiftSyntax
import SwiftSyntaxBuilder
package import SwiftSyntaxMacros

/// `@Tool` — makes a function an MCP tool. Adds a peer `<function>Tool: ToolDefinition` whose
/// input schema comes from the parameters (types, defaults, doc comments) and whose output
/// schema comes from the return type.
package struct ToolMacro: PeerMacro {
    /// Adds the `ToolDefinition` peer; throws a diagnostic for a function that cannot be a tool.
    package static func expansion(
        of node: AttributeSyntax, providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        let function = try DeclaredFunction(declaration)
        let arguments = AttributeArguments(node)
        let name = arguments.source(nil) ?? stringLiteral(function.name)
        let description = arguments.source("description") ?? stringLiteral(function.documentation.summary)
        let parameters = function.clientParameters.map { parameter in
            var text = "MCPCore.ToolParameter(\(stringLiteral(parameter.publicName)), (\(parameter.type)).self"
            text += ", description: \(stringLiteral(parameter.documentation))"
            if let value = parameter.meaningfulDefault { text += ", default: \(value)" }
            return text + ")"
        }
        let call = function.callExpression { parameter in
            if let value = parameter.meaningfulDefault {
                return "arguments.value(\(stringLiteral(parameter.publicName)), default: \(value))"
            }
            return "arguments.value(\(stringLiteral(parameter.publicName)))"
        }
        let output: String
        let body: String
        if let returnType = function.returnType {
            output = "(\(returnType.trimmed)).self"
            body = "return \(call)"
        } else {
            output = "MCPCore.ToolResult.self"
            body = "\(call)\n    return MCPCore.ToolResult(content: [])"
        }
        var taskSupport = ""
        if let task = arguments.source("task") {
            guard function.isAsync else {
                throw MacroError("a task-capable tool (task: \(task)) must be async: its work outlives the request")
            }
            taskSupport = "\n        taskSupport: \(task),"
        }
        let parameterList =
            parameters.isEmpty
            ? "[]" : "[\n            " + parameters.joined(separator: ",\n            ") + "\n        ]"
        let scoped = arguments.source("scopes").map { ".requiring(scopes: \($0))" } ?? ""
        return [
            """
            \(raw: function.memberKeyword) \(raw: function.name)Tool: MCPCore.ToolDefinition {
                MCPCore.ToolDefinition(
                    name: \(raw: name),
                    title: \(raw: arguments.source("title") ?? "nil"),
                    description: \(raw: description),
                    parameters: \(raw: parameterList),
                    output: \(raw: output),
                    annotations: \(raw: arguments.source("annotations") ?? "MCPCore.ToolAnnotations()"),\(raw: function.isAsync ? "\n        isAsync: true," : "")\(raw: taskSupport)
                    \(raw: function.isAsync ? "run" : "perform"): { \(raw: function.captureList)arguments, context in
                        \(raw: body)
                    }
                )\(raw: scoped)
            }
            """
        ]
    }
}
