public import Logging
import Synchronization

/// What a tool, prompt or resource function can learn and do about the request it serves.
///
/// Add a parameter of this type to a declared function to receive it; it is not part of the
/// input schema.
///
/// ```swift
/// @Tool static func longTask(steps: Int, context: HandlerContext) async throws -> String {
///     for step in 1...steps { await context.reportProgress(Double(step), total: Double(steps)) }
///     return "done"
/// }
/// ```
public struct HandlerContext: Sendable {
    /// What never changes after the context is made, behind one reference: the server copies a
    /// context a few times per call (into the closure that runs a tool, for instance), and one
    /// retain per copy is cheaper than one per field.
    private final class Fixed: Sendable {
        let requestID: JSONRPCID
        let version: ProtocolVersion
        let clientCapabilities: JSONObject
        let clientInfo: JSONObject?
        let logger: Logger
        let progressToken: JSONValue?
        let logLevel: LoggingLevel?
        let sink: (any NotificationSink)?
        let lastProgress: ProgressTracker?
        let cancellation = CancellationFlag()

        init(
            requestID: JSONRPCID, version: ProtocolVersion, clientCapabilities: JSONObject, clientInfo: JSONObject?,
            logger: Logger, progressToken: JSONValue?, logLevel: LoggingLevel?, sink: (any NotificationSink)?
        ) {
            self.requestID = requestID
            self.version = version
            self.clientCapabilities = clientCapabilities
            self.clientInfo = clientInfo
            self.logger = logger
            self.progressToken = progressToken
            self.logLevel = logLevel
            self.sink = sink
            self.lastProgress = progressToken == nil ? nil : ProgressTracker()
        }
    }

    private let fixed: Fixed

    /// The id of the request being served.
    public var requestID: JSONRPCID { fixed.requestID }
    /// The revision the request is served under.
    public var version: ProtocolVersion { fixed.version }
    /// Capabilities the client declared: on this request (2026-07-28) or in `initialize`.
    public var clientCapabilities: JSONObject { fixed.clientCapabilities }
    /// The client's `clientInfo` (`name`, `version`…): from this request's `_meta` (2026-07-28) or `initialize`.
    public var clientInfo: JSONObject? { fixed.clientInfo }
    /// Logger with the request's metadata.
    public var logger: Logger { fixed.logger }
    /// Who is calling, as the transport authenticated them: subject, client, scopes and the
    /// token's claims under OAuth; ``Principal/anonymous`` when nobody was authenticated.
    public internal(set) var principal = Principal.anonymous
    var progressToken: JSONValue? { fixed.progressToken }
    var logLevel: LoggingLevel? { fixed.logLevel }
    var sink: (any NotificationSink)? { fixed.sink }
    /// The way back to the client, when it can be asked (set by the server).
    var asker: ClientAsker?
    /// 2026-07-28: the answers this request brought (set by the server).
    var answers: InputAnswers?
    /// When the call runs as a task: where its progress goes instead of notifications.
    var taskReporter: TaskReporter?
    /// The server serving the request (set by it), for changes a tool may make.
    var server: MCPServer?
    private var lastProgress: ProgressTracker? { fixed.lastProgress }
    /// Set when the request is cancelled or times out, also while the function runs off the
    /// task (synchronous functions run on `BlockingWork`'s threads, where `Task.isCancelled`
    /// cannot see the request).
    package var cancellation: CancellationFlag { fixed.cancellation }
    /// The largest result this request may answer with, in bytes of JSON (`MAX_RESULT_SIZE`).
    /// Functions that build large outputs check it while they build (``BoundedText``); the
    /// server checks every result against it anyway.
    public internal(set) var maxResultBytes = Int.max

    /// A context for one request; the server makes these, tests may too. Without `progressToken`, `logLevel`
    /// and `sink`, progress and log messages go nowhere.
    public init(
        requestID: JSONRPCID,
        version: ProtocolVersion,
        clientCapabilities: JSONObject = [:],
        clientInfo: JSONObject? = nil,
        logger: Logger,
        progressToken: JSONValue? = nil,
        logLevel: LoggingLevel? = nil,
        sink: (any NotificationSink)? = nil
    ) {
        fixed = Fixed(
            requestID: requestID, version: version, clientCapabilities: clientCapabilities, clientInfo: clientInfo,
            logger: logger, progressToken: progressToken, logLevel: logLevel, sink: sink)
    }

    /// True once the client cancelled the request, went away, or the call timed out: stop early.
    /// Check it in long loops; synchronous functions are stopped no other way.
    public var isCancelled: Bool { cancellation.isCancelled || Task.isCancelled }

    /// Throws `CancellationError` once ``isCancelled``.
    public func checkCancellation() throws(CancellationError) {
        if isCancelled { throw CancellationError() }
    }

    /// Sends `notifications/progress` when the client asked for progress (`_meta.progressToken`).
    /// Values that do not increase are dropped, as the protocol requires. When the call runs as
    /// a task, the progress lands in the task instead (its `statusMessage`, read by `tasks/get`).
    public func reportProgress(_ progress: Double, total: Double? = nil, message: String? = nil) async {
        if let taskReporter {
            await taskReporter.report(progress, total: total, message: message)
            return
        }
        guard let progressToken, let sink, let lastProgress else { return }
        guard lastProgress.advance(to: progress) else { return }
        var params: JSONObject = ["progressToken": progressToken, "progress": .double(progress)]
        if let total { params.append("total", .double(total)) }
        if let message, version.hasProgressMessage { params.append("message", .string(message)) }
        await sink.send(JSONRPCEncoding.notification(method: "notifications/progress", params: params))
    }

    /// Sends a text `notifications/message`; see ``log(_:_:logger:)-(_,JSONValue,_)``.
    public func log(_ level: LoggingLevel, _ message: String, logger name: String? = nil) async {
        await log(level, .string(message), logger: name)
    }

    /// Sends `notifications/message` when the client asked for messages at `level` or above
    /// (2026-07-28: `_meta` log level on this request; handshake era: `logging/setLevel`), and
    /// writes it to the server log at debug level.
    public func log(_ level: LoggingLevel, _ data: JSONValue, logger name: String? = nil) async {
        logger.debug("tool log", metadata: ["mcp.log.level": "\(level.rawValue)"])
        guard let logLevel, level >= logLevel, let sink else { return }
        var params: JSONObject = ["level": .string(level.rawValue)]
        if let name { params.append("logger", .string(name)) }
        params.append("data", data)
        await sink.send(JSONRPCEncoding.notification(method: "notifications/message", params: params))
    }
}

extension HandlerContext {
    /// True when this request can send requests to its client: a handshake-era request inside a
    /// session (or on stdio / legacy SSE) whose answers can come back to this server.
    public var canAskClient: Bool { asker != nil }

    /// Sends a JSON-RPC request to the client (handshake era: over the session's stream) and
    /// waits for its result, at most `timeout`; see `ClientRequests`.
    ///
    /// - Throws: ``ClientRequestError`` when the client cannot be asked, does not answer in
    ///   time, or answers with an error; `CancellationError` when this request is cancelled.
    public func sendRequest(
        _ method: String, params: JSONObject = [:], timeout: Duration = .seconds(60)
    ) async throws -> JSONValue {
        guard let asker else { throw ClientRequestError.unavailable }
        return try await asker.requests.ask(
            method, params: params, conversation: asker.conversation, principal: asker.principal, sink: asker.sink,
            timeout: timeout)
    }
}

/// The way back to the client of one request: its conversation and its stream.
struct ClientAsker: Sendable {
    let requests: ClientRequests
    let conversation: Conversation
    let principal: String
    let sink: any NotificationSink
}

/// Keeps a request's progress strictly increasing (PROG-1).
final class ProgressTracker: Sendable {
    private let last = Mutex(-Double.infinity)

    /// True when `progress` is above every earlier value; it becomes the new high mark.
    func advance(to progress: Double) -> Bool {
        last.withLock { last in
            guard progress > last else { return false }
            last = progress
            return true
        }
    }
}
