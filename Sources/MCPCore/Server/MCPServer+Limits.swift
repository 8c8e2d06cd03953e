import Logging

extension MCPServer {
    /// Arguments this small may let a synchronous call run inline (``BlockingWork``).
    static let smallArgumentBytes = 16 * 1024

    static func isSmall(_ arguments: JSONValue) -> Bool {
        JSONWriter.fits(arguments, within: smallArgumentBytes)
    }

    /// Runs a resource or prompt function: a synchronous one (`perform`) through ``BlockingWork``
    /// under the tool timeout, an `async` one (`run`) in this task.
    func invoke<T: Sendable>(
        _ perform: (@Sendable () throws -> T)?, orAsync run: () async throws -> T, stats: CallStats,
        arguments: JSONValue, context: HandlerContext
    ) async throws -> T {
        guard let perform else { return try await run() }
        return try await configuration.blockingWork.perform(
            stats: stats, small: Self.isSmall(arguments), cancellation: context.cancellation,
            timeout: configuration.toolTimeout, perform)
    }

    /// The answer to what any function may run into at the server's limits — no thread free
    /// (busy), a result too large, the timeout (logged) — or nil for its own failures.
    func limitError(_ error: any Error, what: String, context: HandlerContext, logger: Logger) -> JSONRPCError? {
        switch error {
        case is BlockingWork.Busy: return .serverBusy()
        case let error as ResultTooLarge: return .internalError(error.description)
        case is TimeoutError:
            context.cancellation.cancel()
            logger.warning("\(what) timed out")
            return .internalError("the \(what) took longer than the time limit")
        default: return nil
        }
    }

    /// An error when `result` is larger than ``ServerConfiguration/maxResultBytes`` (logged), else nil.
    func oversized(_ result: JSONObject, what: String, logger: Logger) -> JSONRPCError? {
        let limit = configuration.maxResultBytes
        guard !JSONWriter.fits(.object(result), within: limit) else { return nil }
        logger.warning("\(what) larger than the result limit", metadata: ["limit": "\(limit)"])
        return .internalError("the \(what) is larger than the server's \(limit)-byte limit (MAX_RESULT_SIZE)")
    }
}
