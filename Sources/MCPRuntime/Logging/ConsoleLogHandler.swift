import Foundation
package import Logging
import MCPCore
import MCPPlatform
import Synchronization

/// A swift-log handler writing one line per record to stdout or stderr: readable (optionally
/// coloured) text for development, one JSON object per line for production. User-controlled
/// text is escaped so it cannot forge lines or colour a terminal.
package struct ConsoleLogHandler: LogHandler {
    /// Which standard stream the lines go to.
    package enum Stream: Sendable { case standardOutput, standardError }

    /// The lowest level written.
    package var logLevel: Logger.Level
    /// Metadata added to every record of this handler's loggers.
    package var metadata: Logger.Metadata {
        get {
            guard let requestID else { return otherMetadata }
            var all = otherMetadata
            all[Self.requestIDKey] = requestID
            return all
        }
        set {
            var others = newValue
            requestID = others.removeValue(forKey: Self.requestIDKey)
            otherMetadata = others
        }
    }
    /// `request.id`, kept apart from the dictionary: the HTTP layer sets it on every request's
    /// logger, and a dictionary of one key cost an allocation and a hash per request (2,400
    /// instructions) for records most requests never write.
    private var requestID: Logger.Metadata.Value?
    private var otherMetadata: Logger.Metadata = [:]
    static let requestIDKey = "request.id"
    let label: String
    let format: LoggingSettings.Format
    let stream: Stream
    let colour: Bool

    /// A handler for the logger `label`, writing `format` lines at `level` and above to `stream`; text is
    /// coloured only when the stream is a terminal.
    package init(label: String, level: Logger.Level, format: LoggingSettings.Format, stream: Stream) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.stream = stream
        self.colour = format == .text && Descriptors.isTerminal(stream == .standardError ? 2 : 1)
    }

    /// One metadata value of the handler, by key.
    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { key == Self.requestIDKey ? requestID : otherMetadata[key] }
        set {
            if key == Self.requestIDKey {
                requestID = newValue
            } else {
                otherMetadata[key] = newValue
            }
        }
    }

    /// Queues the record's line for the stream's writer thread, never blocking; `error` and worse hurry the writer.
    package func log(event: LogEvent) {
        sink.append(render(event), urgent: event.level >= .error)
    }

    var sink: LogSink { stream == .standardError ? .standardError : .standardOutput }

    /// The bytes of one record's line, newline included.
    func render(_ event: LogEvent) -> [UInt8] {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        if let error = event.error { merged["error.type"] = .string(String(describing: type(of: error))) }
        switch format {
        case .json: return jsonLine(event, merged)
        case .text: return textLine(event, merged)
        }
    }

    /// The fields every JSON record starts with.
    static let recordFields: Set<String> = ["timestamp", "level", "message", "logger", "pid"]

    private func jsonLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.writeRaw("{\"timestamp\":\"")
        LogTimestamp.write(to: &writer)
        writer.writeRaw("\",\"level\":")
        writer.writeString(event.level.rawValue)
        writer.writeRaw(",\"message\":")
        writer.writeString(event.message.description)
        writer.writeRaw(",\"logger\":")
        writer.writeString(label)
        writer.writeRaw(",\"pid\":")
        writer.writeInt(Int(Self.pid))
        for key in metadata.keys.sorted() {
            // A metadata key never shadows a field of the record (parsers disagree on duplicates).
            writer.writeByte(UInt8(ascii: ","))
            writer.writeString(Self.recordFields.contains(key) ? "metadata." + key : key)
            writer.writeByte(UInt8(ascii: ":"))
            writer.write(Self.json(metadata[key]!))
        }
        writer.writeRaw("}\n")
        return writer.finish()
    }

    private func textLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> [UInt8] {
        var line = LogTimestamp.now() + " "
        let level = event.level.rawValue.uppercased()
        line += colour ? Self.colourCode(event.level) + level + "\u{1B}[0m" : level
        line += " " + label + ": " + LogSafe.escape(event.message.description)
        for key in metadata.keys.sorted() {
            line += " " + key + "=" + Self.textValue(metadata[key]!.description)
        }
        line += "\n"
        return Array(line.utf8)
    }

    /// A metadata value of a text line: escaped, and quoted when it holds a space, `=` or `"` (or
    /// is empty), so that a value cannot fake further `key=value` pairs.
    static func textValue(_ value: String) -> String {
        let escaped = LogSafe.escape(value)
        let needsQuotes =
            escaped.isEmpty
            || escaped.utf8.contains { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\"") }
        guard needsQuotes else { return escaped }
        var quoted = "\""
        for character in escaped.unicodeScalars {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default: quoted.unicodeScalars.append(character)
            }
        }
        return quoted + "\""
    }

    static let pid = Processes.currentID

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let convertible): return .string(convertible.description)
        case .array(let values): return .array(values.map(json))
        case .dictionary(let values):
            return .object(JSONObject(values.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) }))
        }
    }

    static func colourCode(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "\u{1B}[90m"
        case .info: return "\u{1B}[32m"
        case .notice: return "\u{1B}[36m"
        case .warning: return "\u{1B}[33m"
        case .error, .critical: return "\u{1B}[31m"
        }
    }
}
