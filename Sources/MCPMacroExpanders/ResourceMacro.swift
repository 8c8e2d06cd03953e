package import SwiftSyntax
import SwiftSyntaxBuilder
package import SwiftSyntaxMacros

/// `@Resource("scheme://path")` — makes a function an MCP resource. A URI with `{variables}`
/// makes a resource template; each variable is the function parameter of that name. Adds a peer
/// `<function>Resource: ResourceDefinition`.
package struct ResourceMacro: PeerMacro {
    /// Adds the `ResourceDefinition` peer; throws a diagnostic for a function that cannot be a resource.
    package static func expansion(
        of node: AttributeSyntax, providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        let function = try DeclaredFunction(declaration)
        guard let returnType = function.returnType else { throw MacroError("a resource returns its contents") }
        let arguments = AttributeArguments(node)
        guard let uri = arguments.source(nil) else { throw MacroError("@Resource needs a URI") }
        if let literal = arguments.literal(nil) {
            let variables = Set(Self.templateVariables(literal))
            let parameters = Set(function.clientParameters.map(\.publicName))
            guard variables == parameters else {
                throw MacroError(
                    "the URI template's variables \(variables.sorted()) must match the function's parameters \(parameters.sorted())"
                )
            }
        }
        let description = arguments.source("description") ?? stringLiteral(function.documentation.summary)
        let call = function.callExpression { parameter in
            "variables.value(\(stringLiteral(parameter.publicName)))"
        }
        let scoped = arguments.source("scopes").map { ".requiring(scopes: \($0))" } ?? ""
        return [
            """
            \(raw: function.memberKeyword) \(raw: function.name)Resource: MCPCore.ResourceDefinition {
                MCPCore.ResourceDefinition(
                    uri: \(raw: uri),
                    name: \(raw: arguments.source("name") ?? stringLiteral(function.name)),
                    title: \(raw: arguments.source("title") ?? "nil"),
                    description: \(raw: description),
                    mimeType: \(raw: arguments.source("mimeType") ?? "nil"),
                    completions: \(raw: arguments.source("completions") ?? "[:]"),
                    output: (\(raw: returnType.trimmed)).self,
                    \(raw: function.isAsync ? "read" : "perform"): { \(raw: function.captureList)uri, variables, context in
                        return \(raw: call)
                    }
                )\(raw: scoped)
            }
            """
        ]
    }

    static func templateVariables(_ template: String) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}
