@testable import MCPCore

/// The ENV-2 routing-header ladder (`RoutingHeaders.validate`, the router's own code): the
/// input is header lines (`Name: value`), a blank line, then a JSON-RPC request body. It must
/// never crash; a request it accepts must name the method of its header.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRoutingHeaders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\n\n", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2 else { return 0 }
    var headers = RoutingHeaders()
    for line in parts[0].split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        let name = line[..<colon].lowercased()
        let value = String(line[line.index(after: colon)...].drop { $0 == " " })
        for header in [RoutingHeaders.Header.protocolVersion, .method, .name] where header.rawValue.lowercased() == name
        {
            headers.add(header, value)
        }
    }
    guard let body = try? JSONParser.parse(String(parts[1]), maxDepth: 64),
        case .success(.request(let request)) = JSONRPCMessage.decode(body)
    else { return 0 }
    do {
        _ = try headers.validate(request)
        guard headers.method == request.method else { fatalError("accepted a request whose Mcp-Method differs") }
    } catch {
        _ = JSONRPCEncoding.error(id: request.id, error: error)
    }
    return 0
}
