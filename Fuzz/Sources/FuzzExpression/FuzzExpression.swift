import MCPCore

@testable import ExampleText

/// The calculator's expression evaluator on arbitrary text: an answer or a ToolError, never a
/// crash, a stack overflow or a non-finite result.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let value = try ExpressionEvaluator().evaluate(text)
        guard value.isFinite else { fatalError("a non-finite result was returned") }
    } catch {}
    return 0
}
