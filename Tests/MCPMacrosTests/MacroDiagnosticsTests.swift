import MCPMacroExpanders
import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// Declarations the macros cannot expand get a compile-time error at the declaration.
@Suite("Macro diagnostics")
struct MacroDiagnosticsTests {
    let specs: [String: MacroSpec] = [
        "Tool": MacroSpec(type: ToolMacro.self), "Resource": MacroSpec(type: ResourceMacro.self),
        "Prompt": MacroSpec(type: PromptMacro.self), "Schema": MacroSpec(type: SchemaMacro.self),
    ]

    func expectDiagnostic(_ source: String, expanded: String, message: String, line: Int = 1, column: Int = 1) {
        assertMacroExpansion(
            source, expandedSource: expanded,
            diagnostics: [DiagnosticSpec(message: message, line: line, column: column)],
            macroSpecs: specs,
            failureHandler: { failure in Issue.record(Comment(rawValue: failure.message)) })
    }

    @Test func templateVariablesMustMatchTheParameters() {
        expectDiagnostic(
            #"@Resource("a://{id}") static func item(name: String) -> String { name }"#,
            expanded: #"static func item(name: String) -> String { name }"#,
            message: #"the URI template's variables ["id"] must match the function's parameters ["name"]"#)
    }

    @Test func toolsAreFunctions() {
        expectDiagnostic("@Tool var x = 1", expanded: "var x = 1", message: "this attribute applies to functions")
    }

    @Test func promptsReturnSomething() {
        expectDiagnostic(
            "@Prompt static func p() {}", expanded: "static func p() {}",
            message: "a prompt returns String or [PromptMessage]")
    }

    @Test func schemasNeedStructsWithTypedProperties() {
        expectDiagnostic(
            "@Schema enum E { case a }", expanded: "enum E { case a \n}",
            message: "@Schema applies to structs; for string enums adopt JSONStringEnum")
        expectDiagnostic(
            "@Schema struct S { var x = 1 }", expanded: "struct S { var x = 1 \n}",
            message: "@Schema needs an explicit type on 'x'")
    }

    @Test func expandsAToolIntoADefinition() {
        assertMacroExpansion(
            """
            /// Adds.
            /// - Parameter a: First.
            @Tool("plus") static func add(a: Double, b: Double = 1) -> Double { a + b }
            """,
            expandedSource: """
                /// Adds.
                /// - Parameter a: First.
                static func add(a: Double, b: Double = 1) -> Double { a + b }

                static var addTool: MCPCore.ToolDefinition {
                    MCPCore.ToolDefinition(
                        name: "plus",
                        title: nil,
                        description: "Adds.",
                        parameters: [
                            MCPCore.ToolParameter("a", (Double).self, description: "First."),
                            MCPCore.ToolParameter("b", (Double).self, description: nil, default: 1)
                        ],
                        output: (Double).self,
                        annotations: MCPCore.ToolAnnotations(),
                        perform: { arguments, context in
                            return try Self.add(a: arguments.value("a"), b: arguments.value("b", default: 1))
                        }
                    )
                }
                """,
            macroSpecs: specs,
            failureHandler: { failure in Issue.record(Comment(rawValue: failure.message)) })
    }

    /// A `HandlerContext` parameter, bare or module-qualified, is passed by the server: it is
    /// not in the input schema and the call hands it the closure's `context`.
    @Test(arguments: ["HandlerContext", "MCPCore.HandlerContext"])
    func theHandlerContextIsNotAnArgument(type: String) {
        assertMacroExpansion(
            """
            /// Echoes.
            @Tool static func echo(text: String, context: \(type)) -> String { text }
            """,
            expandedSource: """
                /// Echoes.
                static func echo(text: String, context: \(type)) -> String { text }

                static var echoTool: MCPCore.ToolDefinition {
                    MCPCore.ToolDefinition(
                        name: "echo",
                        title: nil,
                        description: "Echoes.",
                        parameters: [
                            MCPCore.ToolParameter("text", (String).self, description: nil)
                        ],
                        output: (String).self,
                        annotations: MCPCore.ToolAnnotations(),
                        perform: { arguments, context in
                            return try Self.echo(text: arguments.value("text"), context: context)
                        }
                    )
                }
                """,
            macroSpecs: specs,
            failureHandler: { failure in Issue.record(Comment(rawValue: failure.message)) })
    }

    @Test func taskCapableToolsAreAsync() {
        expectDiagnostic(
            "@Tool(task: .optional) static func report() -> String { \"\" }",
            expanded: "static func report() -> String { \"\" }",
            message: "a task-capable tool (task: .optional) must be async: its work outlives the request")
    }

    @Test func expandsATaskCapableTool() {
        assertMacroExpansion(
            """
            /// Reports.
            @Tool(task: .required) static func report(topic: String) async -> String { topic }
            """,
            expandedSource: """
                /// Reports.
                static func report(topic: String) async -> String { topic }

                static var reportTool: MCPCore.ToolDefinition {
                    MCPCore.ToolDefinition(
                        name: "report",
                        title: nil,
                        description: "Reports.",
                        parameters: [
                            MCPCore.ToolParameter("topic", (String).self, description: nil)
                        ],
                        output: (String).self,
                        annotations: MCPCore.ToolAnnotations(),
                        isAsync: true,
                        taskSupport: .required,
                        run: { arguments, context in
                            return try await Self.report(topic: arguments.value("topic"))
                        }
                    )
                }
                """,
            macroSpecs: specs,
            failureHandler: { failure in Issue.record(Comment(rawValue: failure.message)) })
    }
}
