/// One change that every worker and replica should hear of: a list that changed, a resource
/// updated, a task that moved. `topic` says what kind (`tools`, `resource`, `task`…),
/// `subject` which one (a URI, a task id), `payload` anything else (JSON text, may be empty).
public struct ChangeEvent: Sendable, Hashable {
    public var topic: String
    public var subject: String
    public var payload: String
    /// The instance that published it (set by the store), so a publisher can skip its own.
    public var origin: String

    public init(topic: String, subject: String = "", payload: String = "", origin: String = "") {
        self.topic = topic
        self.subject = subject
        self.payload = payload
        self.origin = origin
    }
}

/// A feed of ``ChangeEvent``s on the shared store: what one process publishes, every process
/// subscribed on the same store receives (SQLite: a table polled cheaply; PostgreSQL:
/// LISTEN/NOTIFY).
public protocol ChangeFeed: Sendable {
    /// Publishes `event` to every subscriber of every process on this store.
    func publish(_ event: ChangeEvent) async throws

    /// The events published from now on, by any process, this one included. A subscriber that
    /// falls more than the feed's buffer behind loses the oldest events; the sequence ends when
    /// the store closes.
    func subscribe() -> AsyncStream<ChangeEvent>
}
