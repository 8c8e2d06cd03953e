package import SwiftSyntax
import SwiftSyntaxBuilder
package import SwiftSyntaxMacros

/// `@Schema` — derives `JSONRepresentable` for a struct from its stored properties: the JSON
/// Schema (types, required vs optional, defaults, `///` descriptions), reading with validation,
/// and writing. The struct can then be a tool parameter, a structured tool result or a resource.
package struct SchemaMacro: ExtensionMacro {
    struct Property {
        var name: String
        var type: TypeSyntax
        var defaultValue: ExprSyntax?
        var documentation: String?
        var isOptional: Bool
    }

    /// Adds the `JSONRepresentable`, `ToolOutput` and `ResourceOutput` conformances; throws for anything but a struct.
    package static func expansion(
        of node: AttributeSyntax, attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol, conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        guard let structDecl = declaration.as(StructDeclSyntax.self) else {
            throw MacroError("@Schema applies to structs; for string enums adopt JSONStringEnum")
        }
        let access = structDecl.modifiers.contains { $0.name.tokenKind == .keyword(.public) } ? "public " : ""
        let properties = try storedProperties(of: structDecl)
        let schemaEntries = properties.map { property in
            var text = "(\(stringLiteral(property.name)), (\(property.type)).jsonSchema"
            text += ".describing(\(stringLiteral(property.documentation)))"
            if let value = property.defaultValue { text += ".withDefault(((\(value)) as \(property.type)).json)" }
            return text + ")"
        }
        let required = properties.filter { !$0.isOptional && $0.defaultValue == nil }.map { stringLiteral($0.name) }
        let reads = properties.map { property in
            if let value = property.defaultValue {
                return
                    "self.\(property.name) = try MCPCore.SchemaFields.read(object, \(stringLiteral(property.name)), default: \(value))"
            }
            return "self.\(property.name) = try MCPCore.SchemaFields.read(object, \(stringLiteral(property.name)))"
        }
        let writes = properties.map { property in
            if property.isOptional {
                return
                    "if let value = self.\(property.name) { object.append(\(stringLiteral(property.name)), value.json) }"
            }
            return "object.append(\(stringLiteral(property.name)), self.\(property.name).json)"
        }
        let known = properties.map { stringLiteral($0.name) }.joined(separator: ", ")
        let schemaList =
            schemaEntries.isEmpty
            ? "[]" : "[\n            " + schemaEntries.joined(separator: ",\n            ") + "\n        ]"
        let declaration: DeclSyntax = """
            extension \(type.trimmed): MCPCore.JSONRepresentable, MCPCore.ToolOutput, MCPCore.ResourceOutput {
                \(raw: access)static var jsonSchema: MCPCore.JSONSchema {
                    MCPCore.JSONSchema.object(
                        properties: \(raw: schemaList),
                        required: [\(raw: required.joined(separator: ", "))]
                    )
                }

                \(raw: access)init(json: MCPCore.JSONValue) throws(MCPCore.SchemaMismatch) {
                    let object = try MCPCore.SchemaFields.object(json, known: [\(raw: known)])
                    \(raw: reads.joined(separator: "\n        "))
                }

                \(raw: access)var json: MCPCore.JSONValue {
                    var object = MCPCore.JSONObject(minimumCapacity: \(raw: properties.count))
                    \(raw: writes.joined(separator: "\n        "))
                    return .object(object)
                }
            }
            """
        guard let extensionDecl = declaration.as(ExtensionDeclSyntax.self) else { return [] }
        return [extensionDecl]
    }

    static func storedProperties(of structDecl: StructDeclSyntax) throws -> [Property] {
        var properties: [Property] = []
        for member in structDecl.memberBlock.members {
            guard let variable = member.decl.as(VariableDeclSyntax.self) else { continue }
            if variable.modifiers.contains(where: { $0.name.tokenKind == .keyword(.static) }) { continue }
            let documentation = DocComment(variable.leadingTrivia).summary
            for binding in variable.bindings {
                if let accessors = binding.accessorBlock {
                    // Computed properties are not stored; observers (willSet/didSet) are.
                    if case .getter = accessors.accessors { continue }
                    if case .accessors(let list) = accessors.accessors,
                        list.contains(where: { $0.accessorSpecifier.tokenKind == .keyword(.get) })
                    {
                        continue
                    }
                }
                guard let identifier = binding.pattern.as(IdentifierPatternSyntax.self) else { continue }
                guard let type = binding.typeAnnotation?.type.trimmed else {
                    throw MacroError("@Schema needs an explicit type on '\(identifier.identifier.text)'")
                }
                let isLetWithValue = variable.bindingSpecifier.tokenKind == .keyword(.let) && binding.initializer != nil
                if isLetWithValue { continue }
                let isOptional =
                    type.is(OptionalTypeSyntax.self) || type.trimmedDescription.hasPrefix("Optional<")
                let defaultValue = binding.initializer?.value.trimmed
                properties.append(
                    Property(
                        name: identifier.identifier.text,
                        type: type,
                        defaultValue: defaultValue?.is(NilLiteralExprSyntax.self) == true ? nil : defaultValue,
                        documentation: documentation,
                        isOptional: isOptional
                    ))
            }
        }
        return properties
    }
}
