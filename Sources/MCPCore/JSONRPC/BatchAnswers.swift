/// The answers to one JSON-RPC batch, within a total size: once the answers so far reach the
/// limit, the remaining requests are not served but answered with an error that says so, so a
/// batch of a hundred requests cannot build a hundred times the result limit.
///
/// ```swift
/// var answers = BatchAnswers(limit: server.configuration.maxResultBytes)
/// for request in requests {
///     if answers.isFull { answers.refuse(request.id); continue }
///     answers.append(await serve(request).bytes, id: request.id)
/// }
/// send(answers.bytes)
/// ```
package struct BatchAnswers: Sendable {
    /// The total size of the answers in bytes; the first answer is kept whatever its size.
    package let limit: Int
    private var answers: [[UInt8]] = []
    private var total = 0

    /// An empty set of answers that may total `limit` bytes.
    package init(limit: Int) {
        self.limit = limit
    }

    /// True once the answers so far reach the limit: serve nothing more.
    package var isFull: Bool { total >= limit }
    /// True when no answer has been added (a batch of notifications only: send nothing).
    package var isEmpty: Bool { answers.isEmpty }

    /// Adds an answer; one that would pass the limit becomes an error answer for `id` (pass the
    /// request's id: without one the error answers `null`).
    package mutating func append(_ answer: [UInt8], id: JSONRPCID? = nil) {
        guard total + answer.count <= limit || answers.isEmpty else {
            total = limit
            return refuse(id)
        }
        total += answer.count
        answers.append(answer)
    }

    /// Answers `id` with the error for a batch whose answers reached the limit (small; it is
    /// added whatever the total).
    package mutating func refuse(_ id: JSONRPCID?) {
        total = max(total, limit)
        answers.append(
            JSONRPCEncoding.error(
                id: id,
                error: .internalError("the batch's answers reached the \(limit)-byte limit (MAX_RESULT_SIZE)")))
    }

    /// The JSON array of the answers.
    package var bytes: [UInt8] {
        var array: [UInt8] = [UInt8(ascii: "[")]
        for (index, answer) in answers.enumerated() {
            if index > 0 { array.append(UInt8(ascii: ",")) }
            array.append(contentsOf: answer)
        }
        array.append(UInt8(ascii: "]"))
        return array
    }
}
