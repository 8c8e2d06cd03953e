import HTTPTypes
package import Hummingbird
import MCPCore
package import NIOCore

/// Reads a request body up to a limit. A declared length over the limit is refused before a
/// byte of the body is read; a body that turns out longer is refused as soon as it passes the
/// limit (413 either way, R-04). A body that is malformed (a bad chunk size) is 400.
package enum BodyReader {
    /// The body, or the response that refuses it.
    package enum Outcome: Sendable {
        /// The whole body, within the limit.
        case success(ByteBuffer)
        /// The answer to send instead: 413 or 400, with `Connection: close`.
        case failure(Response)
    }

    /// Reads the body of `request`. A client that takes longer than `timeout` to send it is
    /// disconnected (a slow-body attack cannot hold the connection).
    package static func collect(
        _ request: Request, limit: Int, timeout: Duration, channel: any Channel
    ) async -> Outcome {
        if let declared = request.headers.value(of: .contentLength).flatMap({ Int($0) }), declared > limit {
            return .failure(tooLarge(limit))
        }
        // On the process's deadline thread, not the event loop: a task scheduled on the loop
        // from this thread, and its cancellation, cost 5,000 instructions and a wake-up of the
        // loop per request; a deadline costs a fifth of that and no system call under load.
        let deadline = Deadlines.shared.add(after: timeout) { channel.close(promise: nil) }
        defer { Deadlines.shared.remove(deadline) }
        do {
            return .success(try await request.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            return .failure(tooLarge(limit))
        } catch {
            // A malformed body (a bad chunk size, a length the bytes do not match) or one the
            // client stopped sending: the request is bad, not too large.
            return .failure(
                HTTPMessages.problem(
                    .badRequest, "malformed or incomplete request body", headers: [.connection: "close"]))
        }
    }

    static func tooLarge(_ limit: Int) -> Response {
        HTTPMessages.problem(
            .contentTooLarge, "request body larger than \(limit) bytes", headers: [.connection: "close"])
    }
}
