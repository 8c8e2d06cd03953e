import SwiftSyntax

/// What the declaration macros read from a function: its name, parameters, effects, return type
/// and documentation.
struct DeclaredFunction {
    struct Parameter {
        /// The name clients use: the argument label, or the parameter name when the label is `_`.
        var publicName: String
        /// The label to call the function with; nil for `_`.
        var callLabel: String?
        var type: TypeSyntax
        var defaultValue: ExprSyntax?
        var documentation: String?
        /// True for the `HandlerContext` parameter, which is passed by the server, not the client.
        var isContext: Bool

        var isOptionalType: Bool {
            type.is(OptionalTypeSyntax.self) || type.is(ImplicitlyUnwrappedOptionalTypeSyntax.self)
                || type.trimmedDescription.hasPrefix("Optional<")
        }

        /// A default that is `nil` only restates the optional's absence.
        var meaningfulDefault: ExprSyntax? {
            guard let defaultValue, !defaultValue.is(NilLiteralExprSyntax.self) else { return nil }
            return defaultValue
        }
    }

    var name: String
    var isStatic: Bool
    var isAsync: Bool
    var isThrowing: Bool
    var returnType: TypeSyntax?
    var parameters: [Parameter]
    var documentation: DocComment

    init(_ declaration: some DeclSyntaxProtocol) throws {
        guard let function = declaration.as(FunctionDeclSyntax.self) else {
            throw MacroError("this attribute applies to functions")
        }
        name = function.name.text
        isStatic = function.modifiers.contains {
            $0.name.tokenKind == .keyword(.static) || $0.name.tokenKind == .keyword(.class)
        }
        let effects = function.signature.effectSpecifiers
        isAsync = effects?.asyncSpecifier != nil
        isThrowing = effects?.throwsClause != nil
        returnType = function.signature.returnClause?.type
        documentation = DocComment(function.leadingTrivia)
        parameters = []
        for parameter in function.signature.parameterClause.parameters {
            let label = parameter.firstName.text
            let internalName = parameter.secondName?.text ?? label
            let publicName = label == "_" ? internalName : label
            let typeText = parameter.type.trimmedDescription
            let isContext = typeText == "HandlerContext" || typeText == "MCPCore.HandlerContext"
            let docs = documentation.parameters[publicName] ?? documentation.parameters[internalName]
            parameters.append(
                Parameter(
                    publicName: publicName,
                    callLabel: label == "_" ? nil : label,
                    type: parameter.type.trimmed,
                    defaultValue: parameter.defaultValue?.value.trimmed,
                    documentation: docs,
                    isContext: isContext
                ))
        }
    }

    /// Parameters the client supplies.
    var clientParameters: [Parameter] { parameters.filter { !$0.isContext } }

    /// `try await Self.name(label: <value>, …)` with each client parameter read by `read`.
    func callExpression(read: (Parameter) -> String) -> String {
        let arguments = parameters.map { parameter -> String in
            let value = parameter.isContext ? "context" : read(parameter)
            if let label = parameter.callLabel { return "\(label): \(value)" }
            return value
        }
        let receiver = isStatic ? "Self" : "self"
        let needsTry = isThrowing || !clientParameters.isEmpty
        let effects = (needsTry ? "try " : "") + (isAsync ? "await " : "")
        return "\(effects)\(receiver).\(name)(\(arguments.joined(separator: ", ")))"
    }

    /// `static var` for static functions, `var` otherwise.
    var memberKeyword: String { isStatic ? "static var" : "var" }

    /// What a closure that calls the function must capture.
    var captureList: String { isStatic ? "" : "[self] " }
}

/// Swift source for an optional string literal.
func stringLiteral(_ text: String?) -> String {
    guard let text else { return "nil" }
    var escaped = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": escaped += "\\\\"
        case "\"": escaped += "\\\""
        case "\n": escaped += "\\n"
        case "\r": escaped += "\\r"
        case "\t": escaped += "\\t"
        default:
            if scalar.value < 0x20 {
                escaped += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
    }
    return "\"\(escaped)\""
}

/// The labeled arguments of an attribute, e.g. `@Tool("add", title: "Add")`.
struct AttributeArguments {
    var unlabeled: [ExprSyntax] = []
    var labeled: [String: ExprSyntax] = [:]

    init(_ attribute: AttributeSyntax) {
        guard case .argumentList(let list) = attribute.arguments else { return }
        for argument in list {
            if let label = argument.label?.text {
                labeled[label] = argument.expression.trimmed
            } else {
                unlabeled.append(argument.expression.trimmed)
            }
        }
    }

    /// The value of a string-literal argument; other expressions are passed through as source.
    func source(_ label: String?) -> String? {
        let expression = label.map { labeled[$0] } ?? unlabeled.first
        return expression?.trimmedDescription
    }

    /// The text of a plain string literal argument.
    func literal(_ label: String?) -> String? {
        let expression = label.map { labeled[$0] } ?? unlabeled.first
        guard let literal = expression?.as(StringLiteralExprSyntax.self), literal.segments.count == 1,
            case .stringSegment(let segment) = literal.segments.first
        else { return nil }
        return segment.content.text
    }
}
