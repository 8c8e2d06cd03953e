package import SwiftSyntax
import SwiftSyntaxBuilder
package import SwiftSyntaxMacros

/// `@Prompt` — makes a function an MCP prompt. Adds a peer `<function>Prompt: PromptDefinition`
/// whose arguments come from the parameters; the function returns a `String` (one user message)
/// or `[PromptMessage]`.
package struct PromptMacro: PeerMacro {
    /// Adds the `PromptDefinition` peer; throws a diagnostic for a function that cannot be a prompt.
    package static func expansion(
        of node: AttributeSyntax, providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        let function = try DeclaredFunction(declaration)
        guard let returnType = function.returnType else {
            throw MacroError("a prompt returns String or [PromptMessage]")
        }
        let arguments = AttributeArguments(node)
        let name = arguments.source(nil) ?? stringLiteral(function.name)
        let description = arguments.source("description") ?? stringLiteral(function.documentation.summary)
        let promptArguments = function.clientParameters.map { parameter in
            "MCPCore.PromptArgument(\(stringLiteral(parameter.publicName)), (\(parameter.type)).self, description: "
                + "\(stringLiteral(parameter.documentation)), hasDefault: \(parameter.meaningfulDefault != nil))"
        }
        let call = function.callExpression { parameter in
            if let value = parameter.meaningfulDefault {
                return "arguments.value(\(stringLiteral(parameter.publicName)), default: \(value))"
            }
            return "arguments.value(\(stringLiteral(parameter.publicName)))"
        }
        let argumentList =
            promptArguments.isEmpty
            ? "[]" : "[\n            " + promptArguments.joined(separator: ",\n            ") + "\n        ]"
        let scoped = arguments.source("scopes").map { ".requiring(scopes: \($0))" } ?? ""
        return [
            """
            \(raw: function.memberKeyword) \(raw: function.name)Prompt: MCPCore.PromptDefinition {
                MCPCore.PromptDefinition(
                    name: \(raw: name),
                    title: \(raw: arguments.source("title") ?? "nil"),
                    description: \(raw: description),
                    arguments: \(raw: argumentList),
                    completions: \(raw: arguments.source("completions") ?? "[:]"),
                    output: (\(raw: returnType.trimmed)).self,
                    \(raw: function.isAsync ? "render" : "perform"): { \(raw: function.captureList)arguments, context in
                        return \(raw: call)
                    }
                )\(raw: scoped)
            }
            """
        ]
    }
}
