import Logging
import MCPCore
package import MCPHTTP

/// Renders `access` records of the JSON console format straight into bytes: the same line
/// ``ConsoleLogHandler`` writes for `logger.info("access", metadata: entry.metadata)` (keys
/// sorted, handler metadata merged in), without building a metadata dictionary, sorting keys or
/// formatting a date with Foundation per request. What does not change between requests — the
/// level, message, logger and pid fields, the handler's own metadata, every key — is rendered
/// once, when the writer is made. A class: the responder holds it as `any AccessLogWriter`, and
/// an existential of three arrays and a sink was three retains every time the responder was copied.
final class JSONAccessLogWriter: AccessLogWriter {
    /// Between the timestamp and the metadata: `","level":"info","message":"access",…,"pid":N`.
    let head: [UInt8]
    /// Every key and fixed entry of the line, back to back; ``parts`` say which bytes go where.
    let text: [UInt8]
    /// In the line's (sorted) order. Plain integers: walking them per request retains nothing.
    let parts: [Part]
    let sink: LogSink

    struct Part {
        /// The bytes of ``text``: `,"key":` of an entry field, or a whole fixed entry.
        let start: Int
        let end: Int
        /// The field of ``AccessLogEntry/keys`` that follows the key, or -1 for a fixed entry
        /// (one of the handler's own metadata, rendered whole).
        let field: Int
    }

    init(label: String, metadata: Logger.Metadata, sink: LogSink) {
        var head = JSONWriter(capacity: 96)
        head.writeRaw("\",\"level\":\"info\",\"message\":\"access\",\"logger\":")
        head.writeString(label)
        head.writeRaw(",\"pid\":")
        head.writeInt(Int(ConsoleLogHandler.pid))
        self.head = head.bytes
        // The entry's keys win over the handler's (as in `render`, where event metadata is merged last).
        let fields = Dictionary(uniqueKeysWithValues: AccessLogEntry.keys.enumerated().map { ($1, $0) })
        var pieces: [(key: String, bytes: [UInt8], field: Int)] = []
        for (key, index) in fields {
            var writer = JSONWriter(capacity: 32)
            writer.bytes.append(UInt8(ascii: ","))
            writer.writeString(key)
            writer.bytes.append(UInt8(ascii: ":"))
            pieces.append((key, writer.bytes, index))
        }
        for (key, value) in metadata where fields[key] == nil {
            var writer = JSONWriter(capacity: 32)
            writer.bytes.append(UInt8(ascii: ","))
            writer.writeString(ConsoleLogHandler.recordFields.contains(key) ? "metadata." + key : key)
            writer.bytes.append(UInt8(ascii: ":"))
            writer.write(ConsoleLogHandler.json(value))
            pieces.append((key, writer.bytes, -1))
        }
        var text: [UInt8] = []
        var parts: [Part] = []
        for piece in pieces.sorted(by: { $0.key < $1.key }) {
            parts.append(Part(start: text.count, end: text.count + piece.bytes.count, field: piece.field))
            text.append(contentsOf: piece.bytes)
        }
        self.text = text
        self.parts = parts
        self.sink = sink
    }

    func write(_ entry: AccessLogEntry) {
        sink.append(render(entry))
    }

    func render(_ entry: AccessLogEntry) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.writeRaw("{\"timestamp\":\"")
        LogTimestamp.append(to: &writer.bytes)
        writer.bytes.append(contentsOf: head)
        text.withUnsafeBufferPointer { text in
            for part in parts {
                let bytes = UnsafeBufferPointer(rebasing: text[part.start..<part.end])
                if part.field < 0 {
                    writer.bytes.append(contentsOf: bytes)
                } else {
                    Self.write(part.field, of: entry, key: bytes, into: &writer)
                }
            }
        }
        writer.writeRaw("}\n")
        return writer.bytes
    }

    /// Field `index` (of ``AccessLogEntry/keys``) as `,"key":"value"`, or nothing when absent.
    /// Numbers are strings, as swift-log's `stringConvertible` metadata renders them.
    private static func write(
        _ index: Int, of entry: AccessLogEntry, key: UnsafeBufferPointer<UInt8>, into writer: inout JSONWriter
    ) {
        func text(_ value: String?) {
            guard let value else { return }
            writer.bytes.append(contentsOf: key)
            writer.writeString(value)
        }
        func number(_ value: Int, milliseconds: Bool = false) {
            writer.bytes.append(contentsOf: key)
            writer.bytes.append(UInt8(ascii: "\""))
            if milliseconds {
                LogTimestamp.appendDigits(value / 1000, width: 1, to: &writer.bytes)
                writer.bytes.append(UInt8(ascii: "."))
                LogTimestamp.appendDigits(value % 1000, width: 3, to: &writer.bytes)
            } else {
                LogTimestamp.appendDigits(value, width: 1, to: &writer.bytes)
            }
            writer.bytes.append(UInt8(ascii: "\""))
        }
        switch index {
        case 0: text(entry.clientAddress)
        case 1: number(entry.microseconds, milliseconds: true)
        case 2: text(entry.method)
        case 3: number(entry.bodyBytes)
        case 4: number(entry.status)
        case 5: text(entry.route)
        case 6: text(entry.era)
        case 7: text(entry.mcpMethod)
        case 8: text(entry.sessionID)
        case 9: text(entry.toolName)
        case 10: text(entry.peerAddress)
        case 11: text(entry.requestID)
        case 12: text(entry.path)
        case 13: text(entry.userAgent)
        default: break
        }
    }
}

extension ConsoleLogHandler: AccessLogCapableHandler {
    /// JSON lines are rendered straight to the buffer; text lines go through `log`.
    package func accessLogWriter() -> (any AccessLogWriter)? {
        guard format == .json, logLevel <= .info else { return nil }
        return JSONAccessLogWriter(label: label, metadata: metadata, sink: sink)
    }
}
