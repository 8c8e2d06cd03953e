import Synchronization

/// The answers a 2026-07-28 request brought with it — its `inputResponses`, and those of
/// earlier rounds carried in its `requestState` — handed out in the order the code asks:
/// the first ``HandlerContext/ask(_:)`` of a run is `input-1`, the second `input-2`, and so on.
/// That is the re-execution model: a retried request runs again from the start, so whatever it
/// does before it asks must be safe to repeat, and it must ask in the same order.
final class InputAnswers: Sendable {
    let responses: JSONObject
    private let asked = Atomic<Int>(0)

    init(responses: JSONObject) {
        self.responses = responses
    }

    /// The key of the next question.
    func nextKey() -> String { "input-\(asked.wrappingAdd(1, ordering: .relaxed).newValue)" }
}

/// Where a 2026-07-28 request needs an answer it does not have yet: the call ends with
/// `resultType: "input_required"` asking for it, and runs again when the client retries.
struct InputRequired: Error, Sendable {
    let key: String
    let request: InputRequest
    let answers: InputAnswers
}
