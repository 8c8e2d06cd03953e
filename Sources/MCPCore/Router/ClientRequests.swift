import Metrics
import Synchronization

/// Requests the server sends to clients (handshake era: `elicitation/create`,
/// `sampling/createMessage`, `roots/list`, `ping`), and the matching of the clients' answers.
///
/// Each request gets a server-minted id (`mcp-s-<n>`, or `mcp-s-<instance>.<n>` when this
/// process is one of several workers, never reused), and waits
/// under (conversation, id). An answer is delivered only to the call that waits under the same
/// conversation and principal; an answer for an unknown id, from another conversation or from
/// another principal is dropped and counted (`mcp_client_responses_dropped_total`), never handed
/// to someone else's call. A timeout or the caller's cancellation releases the waiter.
package final class ClientRequests: Sendable {
    struct Key: Hashable {
        var conversation: Conversation
        var id: JSONRPCID
    }

    /// A call waiting for its answer; the answer may arrive before the call starts to wait.
    private struct Waiter {
        var principal: String
        var continuation: CheckedContinuation<Result<JSONValue, JSONRPCError>, any Error>?
        var early: Result<JSONValue, JSONRPCError>?
    }

    /// This process's name among sibling workers (``SiblingRelay/instance``), part of every id
    /// it mints so an answer that reaches another worker can be sent on to this one.
    package let instance: String?
    private let waiters = Mutex<[Key: Waiter]>([:])
    private let nextID = Atomic<Int>(1)
    private let droppedCount = Atomic<Int>(0)
    private static let dropped = Counter(label: "mcp_client_responses_dropped_total")

    /// Responses dropped so far (for tests; `/metrics` has the same count).
    package var droppedResponses: Int { droppedCount.load(ordering: .relaxed) }

    /// Calls waiting for a client's answer right now.
    package var waiting: Int { waiters.withLock { $0.count } }

    /// - Parameter instance: this process's name among sibling workers; nil when it serves alone.
    package init(instance: String? = nil) {
        self.instance = instance
    }

    /// The instance that minted `id` (`mcp-s-<instance>.<n>`); nil for any other id.
    static func owner(of id: JSONRPCID) -> String? {
        guard case .string(let text) = id, text.hasPrefix("mcp-s-"), let dot = text.lastIndex(of: ".") else {
            return nil
        }
        let owner = text[text.index(text.startIndex, offsetBy: 6)..<dot]
        return owner.isEmpty ? nil : String(owner)
    }

    /// Sends `method` to the client of `conversation` through `sink` and waits for its answer.
    /// On timeout or cancellation the client is told with `notifications/cancelled` (TMO-1).
    func ask(
        _ method: String, params: JSONObject, conversation: Conversation, principal: String,
        sink: any NotificationSink, timeout: Duration
    ) async throws -> JSONValue {
        let number = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let id = JSONRPCID.string(instance.map { "mcp-s-\($0).\(number)" } ?? "mcp-s-\(number)")
        let key = Key(conversation: conversation, id: id)
        let message = JSONRPCEncoding.request(id: id, method: method, params: params)
        waiters.withLock { $0[key] = Waiter(principal: principal) }
        let outcome: Result<JSONValue, JSONRPCError>
        do {
            outcome = try await withTimeout(timeout) {
                await sink.send(message)
                return try await self.answer(to: key)
            }
        } catch {
            release(key)
            let reason = error is TimeoutError ? "timed out" : "cancelled"
            await sink.send(
                JSONRPCEncoding.notification(
                    method: "notifications/cancelled", params: ["requestId": id.json, "reason": .string(reason)]))
            throw error is TimeoutError ? ClientRequestError.timedOut : error
        }
        switch outcome {
        case .success(let result): return result
        case .failure(let error): throw ClientRequestError.refused(error)
        }
    }

    /// Waits for the answer registered under `key`; a cancelled wait throws `CancellationError`.
    private func answer(to key: Key) async throws -> Result<JSONValue, JSONRPCError> {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready = waiters.withLock { waiters -> Result<Result<JSONValue, JSONRPCError>, any Error>? in
                    guard var waiter = waiters[key] else { return .failure(CancellationError()) }
                    if let early = waiter.early {
                        waiters[key] = nil
                        return .success(early)
                    }
                    waiter.continuation = continuation
                    waiters[key] = waiter
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            release(key)
        }
    }

    /// Hands a client's response to the call waiting for it; false (and counted) when no call
    /// of this conversation and principal waits for that id.
    @discardableResult
    func deliver(_ response: JSONRPCResponse, conversation: Conversation?, principal: String) -> Bool {
        guard let conversation else { return drop() }
        let key = Key(conversation: conversation, id: response.id)
        let delivered = waiters.withLock { waiters -> Waiter? in
            guard var waiter = waiters[key], waiter.principal == principal, waiter.early == nil else { return nil }
            if waiter.continuation == nil {
                waiter.early = response.outcome
                waiters[key] = waiter
            } else {
                waiters[key] = nil
            }
            return waiter
        }
        guard let delivered else { return drop() }
        delivered.continuation?.resume(returning: response.outcome)
        return true
    }

    private func drop() -> Bool {
        droppedCount.wrappingAdd(1, ordering: .relaxed)
        Self.dropped.increment()
        return false
    }

    /// Forgets `key`; a call still waiting under it ends with `CancellationError`.
    private func release(_ key: Key) {
        let waiter = waiters.withLock { $0.removeValue(forKey: key) }
        waiter?.continuation?.resume(throwing: CancellationError())
    }
}

/// Why a request to the client did not produce an answer.
public enum ClientRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The client cannot be asked this: it did not declare the capability (or its revision has
    /// none), or the request has no way to send it requests: 2026-07-28 (input requests travel by
    /// MRTR instead), a stateless handshake-era request, or a transport with no way back to it.
    case unavailable
    /// No answer within the time limit; the client was told to stop (`notifications/cancelled`).
    case timedOut
    /// The client answered with a JSON-RPC error.
    case refused(JSONRPCError)

    /// The reason in words, safe to show to the client.
    public var description: String {
        switch self {
        case .unavailable:
            return "the client cannot be asked this: it did not declare the capability, or this request has no way "
                + "to send it requests (a 2026-07-28 or stateless request, or a transport with no way back)"
        case .timedOut: return "the client did not answer in time"
        case .refused(let error): return "the client refused: \(error.message)"
        }
    }
}
