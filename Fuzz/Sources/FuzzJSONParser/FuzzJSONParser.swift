import MCPCore

/// The JSON parser on arbitrary bytes: it must never crash or hang, and whatever it accepts
/// must survive a round trip through both writers unchanged, with the sizes the size functions
/// predict.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONParser.parse(UnsafeRawBufferPointer(bytes), maxDepth: 64) else { return 0 }
    let compact = JSONWriter.bytes(value)
    guard let again = try? JSONParser.parse(compact, maxDepth: 64), again == value else {
        fatalError("compact round trip changed the value")
    }
    guard JSONWriter.encodedLength(of: value, limit: compact.count) == compact.count else {
        fatalError("encodedLength disagrees with the writer")
    }
    let pretty = JSONWriter.pretty(value, indent: 2)
    guard JSONWriter.prettyLength(of: value, indent: 2, limit: .max) == pretty.count else {
        fatalError("prettyLength disagrees with the writer")
    }
    guard let prettyAgain = try? JSONParser.parse(pretty, maxDepth: 64), prettyAgain == value else {
        fatalError("pretty round trip changed the value")
    }
    _ = value.uniquingKeys()
    return 0
}
