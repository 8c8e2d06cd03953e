/// Thrown when a result (or a file a tool writes) would pass its size limit. The server turns
/// it into a clear error for the client; tools throw it as soon as they know, before the bytes
/// exist (``BoundedText``).
public struct ResultTooLarge: Error, Sendable, Equatable, CustomStringConvertible {
    /// The limit in bytes.
    public let limit: Int
    /// What was limited, for the message ("result", "file").
    public let what: String

    /// The error for passing `limit` bytes; `what` names the limited thing in the message.
    public init(limit: Int, what: String = "result") {
        self.limit = limit
        self.what = what
    }

    /// The message the client sees, naming the limit (and `MAX_RESULT_SIZE` for results).
    public var description: String {
        what == "result"
            ? "The result would be larger than the server's \(limit)-byte limit (MAX_RESULT_SIZE); ask for less"
            : "The \(what) would be larger than the \(limit)-byte limit"
    }
}

/// UTF-8 text built piece by piece up to a byte limit: the piece that would pass it throws
/// ``ResultTooLarge`` before it is copied, so the text never takes more than `limit` bytes.
///
/// ```swift
/// var output = BoundedText(limit: context.maxResultBytes)
/// for line in lines { try output.append(line); try output.append("\n") }
/// return output.string
/// ```
public struct BoundedText: Sendable {
    /// The UTF-8 bytes appended so far.
    public private(set) var bytes: [UInt8] = []
    /// The most bytes the text may take.
    public let limit: Int
    let what: String

    /// Empty text limited to `limit` bytes; `what` names it in the ``ResultTooLarge`` message.
    public init(limit: Int, what: String = "result") {
        self.limit = limit
        self.what = what
    }

    /// Bytes appended so far.
    public var count: Int { bytes.count }

    /// Appends `piece`, or throws when it would pass the limit.
    public mutating func append(_ piece: some Collection<UInt8>) throws(ResultTooLarge) {
        guard piece.count <= limit - bytes.count else { throw ResultTooLarge(limit: limit, what: what) }
        bytes.append(contentsOf: piece)
    }

    /// Appends `text` as UTF-8, or throws when it would pass the limit.
    public mutating func append(_ text: some StringProtocol) throws(ResultTooLarge) {
        try append(text.utf8)
    }

    /// The text built so far.
    public var string: String { String(decoding: bytes, as: UTF8.self) }
}
