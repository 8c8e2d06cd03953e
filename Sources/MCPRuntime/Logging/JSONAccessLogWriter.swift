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
            writer.writeByte(UInt8(ascii: ","))
            writer.writeString(key)
            writer.writeByte(UInt8(ascii: ":"))
            pieces.append((key, writer.bytes, index))
        }
        for (key, value) in metadata where fields[key] == nil {
            var writer = JSONWriter(capacity: 32)
            writer.writeByte(UInt8(ascii: ","))
            writer.writeString(ConsoleLogHandler.recordFields.contains(key) ? "metadata." + key : key)
            writer.writeByte(UInt8(ascii: ":"))
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
        // An upper bound of the line first, so that it is written with plain copies (``ByteCursor``).
        [UInt8](unsafeUninitializedCapacity: lineBound(entry)) { line, count in
            var cursor = ByteCursor(line)
            cursor.put(Self.prefix)
            LogTimestamp.write(to: &cursor)
            head.withUnsafeBufferPointer { cursor.put($0) }
            text.withUnsafeBufferPointer { text in
                for part in parts {
                    let bytes = UnsafeBufferPointer(rebasing: text[part.start..<part.end])
                    if part.field < 0 {
                        cursor.put(bytes)
                    } else {
                        Self.write(part.field, of: entry, key: bytes, into: &cursor)
                    }
                }
            }
            cursor.put(Self.suffix)
            count = cursor.count
        }
    }

    /// The most bytes the line of `entry` takes: every key written, every text escaped at its
    /// longest, every number at 19 digits, the timestamp.
    func lineBound(_ entry: AccessLogEntry) -> Int {
        Self.prefix.utf8CodeUnitCount + LogTimestamp.length + head.count + text.count
            + Self.suffix.utf8CodeUnitCount + entry.textBound + 3 * (ByteCursor.digitsBound + 3)
    }

    static let prefix: StaticString = "{\"timestamp\":\""
    static let suffix: StaticString = "}\n"

    /// Field `index` (of ``AccessLogEntry/keys``) as `,"key":"value"`, or nothing when absent.
    /// Numbers are strings, as swift-log's `stringConvertible` metadata renders them.
    private static func write(
        _ index: Int, of entry: AccessLogEntry, key: UnsafeBufferPointer<UInt8>, into cursor: inout ByteCursor
    ) {
        func text(_ value: String?) {
            guard let value else { return }
            cursor.put(key)
            cursor.putJSONString(value)
        }
        func number(_ value: Int, milliseconds: Bool = false) {
            cursor.put(key)
            cursor.put(UInt8(ascii: "\""))
            if milliseconds {
                cursor.putDigits(value / 1000, width: 1)
                cursor.put(UInt8(ascii: "."))
                cursor.putDigits(value % 1000, width: 3)
            } else {
                cursor.putDigits(value, width: 1)
            }
            cursor.put(UInt8(ascii: "\""))
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

extension AccessLogEntry {
    /// The most bytes the entry's text fields take as JSON strings. A text field the line writes
    /// but this sum leaves out stops the process at the cursor's bound check rather than
    /// overwriting memory; `AccessLogTests` renders an entry with every field at its longest.
    /// (Derived per field from one list, the bound cost 2,000 instructions a request more.)
    var textBound: Int {
        func bound(_ text: String?) -> Int { text.map(ByteCursor.stringBound) ?? 0 }
        return bound(clientAddress) + bound(method) + bound(route) + bound(era) + bound(mcpMethod) + bound(sessionID)
            + bound(toolName) + bound(peerAddress) + bound(requestID) + bound(path) + bound(userAgent)
    }
}

extension ConsoleLogHandler: AccessLogCapableHandler {
    /// JSON lines are rendered straight to the buffer; text lines go through `log`.
    package func accessLogWriter() -> (any AccessLogWriter)? {
        guard format == .json, logLevel <= .info else { return nil }
        return JSONAccessLogWriter(label: label, metadata: metadata, sink: sink)
    }
}
