package import NIOCore

/// Server-Sent Events framing. Messages are compact JSON, so each fits on one `data:` line.
package enum SSE {
    /// `id: …` (when given), `event: message`, `data: <message>`, blank line.
    package static func event(_ message: [UInt8], id: String? = nil) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(message.count + 48)
        if let id {
            buffer.writeString("id: ")
            buffer.writeString(id)
            buffer.writeString("\n")
        }
        buffer.writeString("event: message\ndata: ")
        buffer.writeBytes(message)
        buffer.writeString("\n\n")
        return buffer
    }

    /// The priming event of a resumable stream: an id and empty data (HTTP-L-8).
    package static func priming(id: String) -> ByteBuffer {
        ByteBuffer(string: "id: \(id)\ndata: \n\n")
    }

    /// A comment line that keeps proxies and clients from timing the stream out.
    package static let keepAlive = ByteBuffer(string: ": keep-alive\n\n")

    /// An `endpoint` event of the deprecated HTTP+SSE transport.
    package static func endpoint(_ uri: String) -> ByteBuffer {
        ByteBuffer(string: "event: endpoint\ndata: \(uri)\n\n")
    }
}
