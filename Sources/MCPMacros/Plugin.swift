import MCPMacroExpanders
import SwiftCompilerPlugin
import SwiftSyntax
import SwiftSyntaxMacros

@main
struct MCPMacrosPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [
        ToolMacro.self,
        PromptMacro.self,
        ResourceMacro.self,
        SchemaMacro.self,
        CatalogueMacro.self,
    ]
}

// The compiler asks for a macro by module and type name (`#externalMacro(module: "MCPMacros",
// type: "ToolMacro")`), and the plug-in finds it by the type's qualified name, so each macro is
// declared in this module and hands its work to the expander of the same name.

/// A peer macro whose whole work is its expander's.
protocol ForwardingPeerMacro: PeerMacro {
    associatedtype Expander: PeerMacro
}

extension ForwardingPeerMacro {
    static func expansion(
        of node: AttributeSyntax, providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        try Expander.expansion(of: node, providingPeersOf: declaration, in: context)
    }
}

struct ToolMacro: ForwardingPeerMacro { typealias Expander = MCPMacroExpanders.ToolMacro }
struct PromptMacro: ForwardingPeerMacro { typealias Expander = MCPMacroExpanders.PromptMacro }
struct ResourceMacro: ForwardingPeerMacro { typealias Expander = MCPMacroExpanders.ResourceMacro }

struct SchemaMacro: ExtensionMacro {
    static func expansion(
        of node: AttributeSyntax, attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol, conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        try MCPMacroExpanders.SchemaMacro.expansion(
            of: node, attachedTo: declaration, providingExtensionsOf: type, conformingTo: protocols, in: context)
    }
}

struct CatalogueMacro: MemberMacro, ExtensionMacro {
    static func expansion(
        of node: AttributeSyntax, providingMembersOf declaration: some DeclGroupSyntax,
        conformingTo protocols: [TypeSyntax], in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        try MCPMacroExpanders.CatalogueMacro.expansion(
            of: node, providingMembersOf: declaration, conformingTo: protocols, in: context)
    }

    static func expansion(
        of node: AttributeSyntax, attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol, conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        try MCPMacroExpanders.CatalogueMacro.expansion(
            of: node, attachedTo: declaration, providingExtensionsOf: type, conformingTo: protocols, in: context)
    }
}
