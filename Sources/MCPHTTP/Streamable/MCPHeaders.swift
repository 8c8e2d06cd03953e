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
        for field in fields {
            switch field.name {
            case .contentType: contentType = contentType ?? field.value
            case .accept: accept = accept.map { $0 + "," + field.value } ?? field.value
            case .mcpSessionID: sessionID = sessionID ?? field.value
            case .mcpProtocolVersion: routing.add(.protocolVersion, field.value)
            case .mcpMethod: routing.add(.method, field.value)
            case .mcpName: routing.add(.name, field.value)
            case .lastEventID: lastEventID = lastEventID ?? field.value
            default: continue
            }
        }
    }
}

/// What an `Accept` header allows (HTTP-5): missing means anything. Read byte by byte, with no
/// copies: media ranges are compared without case, `q=0` refuses one.
struct AcceptedTypes {
    var json = false
    var eventStream = false

    init(_ header: String?) {
        guard let header else {
            json = true
            eventStream = true
            return
        }
        var sawRange = false
        var utf8 = header.utf8[...]
        while !utf8.isEmpty {
            let end = utf8.firstIndex(of: UInt8(ascii: ",")) ?? utf8.endIndex
            let item = utf8[utf8.startIndex..<end]
            utf8 = end == utf8.endIndex ? utf8[end...] : utf8[utf8.index(after: end)...]
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
    static func refuses(_ parameters: Substring.UTF8View.SubSequence) -> Bool {
        var bytes = parameters.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }[...]
        while let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) {
            bytes = bytes[bytes.index(after: semicolon)...]
            let end = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
            let parameter = bytes[bytes.startIndex..<end]
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

extension StreamableHTTPEndpoint {
    /// `application/json`, with a UTF-8 charset if any (compared without case, no copies).
    static func isJSON(_ contentType: String) -> Bool {
        var utf8 = contentType.utf8[...]
        let parameters = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
        guard utf8[utf8.startIndex..<parameters].trimmed.equalsIgnoringCase("application/json") else { return false }
        utf8 = utf8[parameters...]
        while let semicolon = utf8.firstIndex(of: UInt8(ascii: ";")) {
            utf8 = utf8[utf8.index(after: semicolon)...]
            let end = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
            let parameter = utf8[utf8.startIndex..<end].trimmed
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
        return other.withUTF8Buffer { expected in
            zip(self, expected).allSatisfy { lowercased($0) == lowercased($1) }
        }
    }

    private func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
