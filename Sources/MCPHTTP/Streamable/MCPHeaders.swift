import HTTPTypes
import MCPCore

/// The headers `/mcp` reads, found in one pass over the request's fields: no field is looked
/// up twice, and no value is copied or joined (the hot path reads several of them per request).
struct MCPHeaders {
    var contentType: String?
    var accept: String?
    var sessionID: String?
    var lastEventID: String?
    var routing = RoutingHeaders()

    init(_ fields: HTTPFields) {
        // The names read here all differ in length, so the length picks the one name to compare
        // (a stored count): most fields of a request are none of them, and comparing names
        // that differ calls into the runtime.
        // By position rather than `for field in fields`: the iterator hands out a copy of each
        // field (three strings retained and released), reading in place does not.
        for index in fields.indices {
            let name = fields[index].name
            switch name.canonicalName.utf8.count {
            case 12 where name == .contentType: contentType = contentType ?? fields[index].value
            case 6 where name == .accept: accept = accept.map { $0 + "," + fields[index].value } ?? fields[index].value
            case 14 where name == .mcpSessionID: sessionID = sessionID ?? fields[index].value
            case 20 where name == .mcpProtocolVersion: routing.add(.protocolVersion, fields[index].value)
            case 10 where name == .mcpMethod: routing.add(.method, fields[index].value)
            case 8 where name == .mcpName: routing.add(.name, fields[index].value)
            case 13 where name == .lastEventID: lastEventID = lastEventID ?? fields[index].value
            default: continue
            }
        }
    }
}

/// What an `Accept` header allows (HTTP-5): missing means anything. Read byte by byte over the
/// header's contiguous UTF-8, with no copies: media ranges are compared without case, `q=0`
/// refuses one.
struct AcceptedTypes {
    var json = false
    var eventStream = false

    init(_ header: String?) {
        guard var header else {
            json = true
            eventStream = true
            return
        }
        // What MCP clients send (the SDKs): one comparison instead of the parse below.
        if header == "application/json, text/event-stream" {
            json = true
            eventStream = true
            return
        }
        self = header.withUTF8 { Self(bytes: $0[...]) }
    }

    private init(bytes header: HeaderBytes) {
        var sawRange = false
        var rest = header
        while !rest.isEmpty {
            let end = rest.firstIndex(of: UInt8(ascii: ",")) ?? rest.endIndex
            let item = rest[rest.startIndex..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[(end + 1)...]
            let parameters = item.firstIndex(of: UInt8(ascii: ";")) ?? item.endIndex
            let range = item[item.startIndex..<parameters].trimmed
            if !range.isEmpty { sawRange = true }
            if Self.refuses(item[parameters...]) { continue }
            if range.equalsIgnoringCase("*/*") {
                json = true
                eventStream = true
            } else if range.equalsIgnoringCase("application/json") || range.equalsIgnoringCase("application/*") {
                json = true
            } else if range.equalsIgnoringCase("text/event-stream") || range.equalsIgnoringCase("text/*") {
                eventStream = true
            }
        }
        if !sawRange {
            json = true
            eventStream = true
        }
    }

    /// True when the parameters carry `q=0` (spaces allowed around `=`).
    static func refuses(_ parameters: HeaderBytes) -> Bool {
        var rest = parameters
        while let semicolon = rest.firstIndex(of: UInt8(ascii: ";")) {
            rest = rest[(semicolon + 1)...]
            let end = rest.firstIndex(of: UInt8(ascii: ";")) ?? rest.endIndex
            let parameter = rest[rest.startIndex..<end].lazy.filter {
                $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t")
            }
            if parameter.elementsEqual("q=0".utf8) || parameter.elementsEqual("Q=0".utf8)
                || parameter.elementsEqual("q=0.0".utf8) || parameter.elementsEqual("q=0.00".utf8)
                || parameter.elementsEqual("q=0.000".utf8)
            {
                return true
            }
        }
        return false
    }
}

/// A part of a header value's UTF-8, read in place.
typealias HeaderBytes = Slice<UnsafeBufferPointer<UInt8>>

extension StreamableHTTPEndpoint {
    /// `application/json`, with a UTF-8 charset if any (compared without case, no copies).
    static func isJSON(_ contentType: String) -> Bool {
        // What nearly every client sends: one comparison instead of the parse below.
        if contentType == "application/json" { return true }
        var contentType = contentType
        return contentType.withUTF8 { isJSON(bytes: $0[...]) }
    }

    private static func isJSON(bytes: HeaderBytes) -> Bool {
        let parameters = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
        guard bytes[bytes.startIndex..<parameters].trimmed.equalsIgnoringCase("application/json") else { return false }
        var rest = bytes[parameters...]
        while let semicolon = rest.firstIndex(of: UInt8(ascii: ";")) {
            rest = rest[(semicolon + 1)...]
            let end = rest.firstIndex(of: UInt8(ascii: ";")) ?? rest.endIndex
            let parameter = rest[rest.startIndex..<end].trimmed
            guard parameter.count > 8, parameter.prefix(8).equalsIgnoringCase("charset=") else { continue }
            var charset = parameter.dropFirst(8)
            if charset.first == UInt8(ascii: "\""), charset.last == UInt8(ascii: "\""), charset.count >= 2 {
                charset = charset.dropFirst().dropLast()
            }
            if !charset.equalsIgnoringCase("utf-8") && !charset.equalsIgnoringCase("utf8") { return false }
        }
        return true
    }
}

extension BidirectionalCollection where Element == UInt8, SubSequence == Self {
    /// Without spaces and tabs at either end.
    var trimmed: SubSequence {
        var slice = self
        while let first = slice.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            slice = slice.dropFirst()
        }
        while let last = slice.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            slice = slice.dropLast()
        }
        return slice
    }
}

extension Collection where Element == UInt8 {
    /// ASCII comparison without case.
    func equalsIgnoringCase(_ other: StaticString) -> Bool {
        guard count == other.utf8CodeUnitCount else { return false }
        // One plain loop: equal bytes (headers are nearly always written in lower case) skip
        // the case folding; a `zip` with a closure cost some 20 instructions a byte.
        let expected = other.utf8Start
        var offset = 0
        for byte in self {
            let wanted = expected[offset]
            offset += 1
            if byte != wanted && lowercased(byte) != lowercased(wanted) { return false }
        }
        return true
    }

    private func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
