import HTTPTypes
public import Hummingbird
import NIOCore

/// Reads a request body up to a limit. A declared length over the limit is refused before a
/// byte of the body is read; a body that turns out longer is refused as soon as it passes the
/// limit (413 either way, R-04).
public enum BodyReader {
    public enum Outcome: Sendable {
        case success(ByteBuffer)
        case failure(Response)
    }

    public static func collect(_ request: Request, limit: Int) async -> Outcome {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            return .failure(tooLarge(limit))
        }
        do {
            return .success(try await request.body.collect(upTo: limit))
        } catch {
            return .failure(tooLarge(limit))
        }
    }

    static func tooLarge(_ limit: Int) -> Response {
        HTTPMessages.problem(.contentTooLarge, "request body larger than \(limit) bytes", headers: [.connection: "close"])
    }
}
