import MCPCore

/// URI templates: the input is a template, a newline, then a URI. Parsing and matching must
/// never crash or backtrack, and a match must give a value for every variable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzURITemplate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    guard let template = URITemplate(String(parts[0])) else { return 0 }
    let uri = parts.count > 1 ? String(parts[1]) : ""
    if let values = template.match(uri) {
        for name in template.variables where values[name] == nil { fatalError("a matched variable has no value") }
    }
    return 0
}
