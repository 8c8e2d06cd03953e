import SwiftDiagnostics
import SwiftSyntax

/// A compile-time error shown at the declaration that a macro cannot expand.
struct MacroError: Error, DiagnosticMessage {
    let message: String
    var diagnosticID: MessageID { MessageID(domain: "MCPMacros", id: "error") }
    var severity: DiagnosticSeverity { .error }

    init(_ message: String) { self.message = message }
}
