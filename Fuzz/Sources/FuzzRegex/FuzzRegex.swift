import ExampleText
import Logging
import MCPCore

/// The bounded regular expression (replace_text's regex path and the extractors): the input
/// is a pattern, a newline, a replacement in Python syntax, a newline, then the text. It must
/// answer or throw within its deadline and limit, never crash, and never build more than the
/// limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegex(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 3, !parts[0].isEmpty else { return 0 }
    let limit = 64 * 1024
    do {
        let output = try regex.replace(parts[0], in: parts[2], with: parts[1], limit: limit, context: context)
        guard output.utf8.count <= limit else { fatalError("the output passed its limit") }
    } catch {}
    do {
        let matches = try regex.uniqueMatches(of: parts[0], in: parts[2], limit: limit, context: context)
        guard matches.reduce(0, { $0 + $1.utf8.count }) <= limit else { fatalError("the matches passed their limit") }
    } catch {}
    return 0
}

let regex = BoundedRegex(timeout: .milliseconds(50))
let context = HandlerContext(requestID: .int(1), version: .v2026_07_28, logger: Logger(label: "fuzz"))
