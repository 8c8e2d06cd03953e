import Foundation
public import Logging
import MCPCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A swift-log handler writing one line per record to stdout or stderr: readable (optionally
/// coloured) text for development, one JSON object per line for production. User-controlled
/// text is escaped so it cannot forge lines or colour a terminal.
public struct ConsoleLogHandler: LogHandler {
    public enum Stream: Sendable { case standardOutput, standardError }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let label: String
    let format: ServerSettings.LogFormat
    let stream: Stream
    let colour: Bool

    public init(label: String, level: Logger.Level, format: ServerSettings.LogFormat, stream: Stream) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.stream = stream
        self.colour = format == .text && isatty(stream == .standardError ? 2 : 1) == 1
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        ConsoleOutput.write(render(event), to: stream)
    }

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

    private func jsonLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> [UInt8] {
        var object: JSONObject = [
            "timestamp": .string(ConsoleOutput.timestamp()),
            "level": .string(event.level.rawValue),
            "message": .string(event.message.description),
            "logger": .string(label),
            "pid": .int(Int(getpid())),
        ]
        for key in metadata.keys.sorted() {
            // A metadata key never shadows a field of the record (parsers disagree on duplicates).
            object.append(object[key] == nil ? key : "metadata." + key, Self.json(metadata[key]!))
        }
        var writer = JSONWriter(capacity: 256)
        writer.write(object)
        writer.bytes.append(UInt8(ascii: "\n"))
        return writer.bytes
    }

    private func textLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> [UInt8] {
        var line = ConsoleOutput.timestamp() + " "
        let level = event.level.rawValue.uppercased()
        line += colour ? Self.colourCode(event.level) + level + "\u{1B}[0m" : level
        line += " " + label + ": " + LogSafe.escape(event.message.description)
        for key in metadata.keys.sorted() {
            line += " " + key + "=" + LogSafe.escape(metadata[key]!.description)
        }
        line += "\n"
        return Array(line.utf8)
    }

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

/// Serialises writes of whole log lines.
enum ConsoleOutput {
    private static let lock = Mutex(())

    static func write(_ line: [UInt8], to stream: ConsoleLogHandler.Stream) {
        let descriptor: Int32 = stream == .standardError ? 2 : 1
        lock.withLock { _ in
            var offset = 0
            while offset < line.count {
                let written = line.withUnsafeBytes {
                    Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
                }
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    static func timestamp() -> String {
        Date().formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
