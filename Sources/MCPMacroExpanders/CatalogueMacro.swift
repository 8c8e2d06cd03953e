package import SwiftSyntax
import SwiftSyntaxBuilder
package import SwiftSyntaxMacros

/// `@Catalogue` — collects the `@Tool`, `@Prompt` and `@Resource` functions of a type into its
/// `tools`, `prompts` and `resources`, in declaration order, and makes the type a `Catalogue`.
package struct CatalogueMacro: MemberMacro, ExtensionMacro {
    /// Adds `tools`, `prompts` and `resources`: the definitions of the type's marked functions, in order.
    package static func expansion(
        of node: AttributeSyntax, providingMembersOf declaration: some DeclGroupSyntax,
        conformingTo protocols: [TypeSyntax], in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        var groups: [(kind: String, suffix: String, type: String, names: [String])] = [
            ("Tool", "Tool", "ToolDefinition", []),
            ("Prompt", "Prompt", "PromptDefinition", []),
            ("Resource", "Resource", "ResourceDefinition", []),
        ]
        for member in declaration.memberBlock.members {
            guard let function = member.decl.as(FunctionDeclSyntax.self) else { continue }
            let isStatic = function.modifiers.contains {
                $0.name.tokenKind == .keyword(.static) || $0.name.tokenKind == .keyword(.class)
            }
            for attribute in function.attributes {
                guard let name = attribute.as(AttributeSyntax.self)?.attributeName.trimmedDescription else { continue }
                for index in groups.indices where name == groups[index].kind || name == "MCPCore." + groups[index].kind
                {
                    let member = function.name.text + groups[index].suffix
                    groups[index].names.append(isStatic ? "Self." + member : member)
                }
            }
        }
        let isPublic = declaration.modifiers.contains { $0.name.tokenKind == .keyword(.public) }
        let access = isPublic ? "public " : ""
        let properties = ["tools", "prompts", "resources"]
        return zip(groups, properties).compactMap { group, property in
            guard !group.names.isEmpty else { return nil }
            return """
                \(raw: access)var \(raw: property): [MCPCore.\(raw: group.type)] {
                    [\(raw: group.names.joined(separator: ", "))]
                }
                """
        }
    }

    /// Adds the `Catalogue` conformance.
    package static func expansion(
        of node: AttributeSyntax, attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol, conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        let declaration: DeclSyntax = "extension \(type.trimmed): MCPCore.Catalogue {}"
        guard let extensionDecl = declaration.as(ExtensionDeclSyntax.self) else { return [] }
        return [extensionDecl]
    }
}
