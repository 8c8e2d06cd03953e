import NIOCore
import Synchronization

/// The SSE streams of handshake-era sessions in this process, for resumability (HTTP-L-8):
/// every event of a session's POST streams is kept in a bounded buffer under an id
/// `<stream>-<sequence>`, so a client that lost the connection can reconnect with a GET and
/// `Last-Event-ID` and receive the rest of that stream — never another stream's events.
/// A dropped connection is not a cancellation in this era (HTTP-L-10): the request keeps
/// running and its events keep being buffered.
final class StreamHub: Sendable {
    struct Stream {
        var events: [(sequence: Int, bytes: ByteBuffer)] = []
        var nextSequence = 1
        var finished = false
        var listener: AsyncStream<ByteBuffer>.Continuation?
        /// Which attachment the listener is: a late detach of an old one must not drop a new one.
        var generation = 0
    }

    struct SessionStreams {
        var streams: [Int: Stream] = [:]
        var nextStream = 1
        /// The open standalone GET stream, if any.
        var standalone: AsyncStream<ByteBuffer>.Continuation?
    }

    private let sessions = Mutex<[String: SessionStreams]>([:])
    let eventsPerStream: Int
    let streamsPerSession = 16

    init(eventsPerStream: Int) {
        self.eventsPerStream = max(1, eventsPerStream)
    }

    /// Starts a POST stream for `token` and attaches its first listener (generation 0). Returns
    /// the stream number and what the response body should write.
    func open(token: String) -> (stream: Int, output: AsyncStream<ByteBuffer>) {
        let (output, continuation) = AsyncStream.makeStream(
            of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(eventsPerStream))
        let number = sessions.withLock { sessions in
            var entry = sessions[token] ?? SessionStreams()
            let number = entry.nextStream
            entry.nextStream += 1
            var stream = Stream()
            stream.listener = continuation
            entry.streams[number] = stream
            // Forget the oldest finished streams beyond the per-session bound.
            let finished = entry.streams.filter { $0.value.finished }.keys.sorted()
            for old in finished.prefix(max(0, entry.streams.count - streamsPerSession)) { entry.streams[old] = nil }
            sessions[token] = entry
            return number
        }
        return (number, output)
    }

    /// The id the next event of `stream` will get (for priming events).
    func primingID(token: String, stream: Int) -> String { "\(stream)-0" }

    /// Buffers one event and hands it to the attached listener, if any. Returns its id.
    @discardableResult
    func append(token: String, stream number: Int, message: [UInt8], final: Bool) -> String {
        sessions.withLock { sessions in
            guard var stream = sessions[token]?.streams[number] else { return "" }
            let sequence = stream.nextSequence
            stream.nextSequence += 1
            let id = "\(number)-\(sequence)"
            let bytes = SSE.event(message, id: id)
            stream.events.append((sequence, bytes))
            if stream.events.count > eventsPerStream {
                stream.events.removeFirst(stream.events.count - eventsPerStream)
            }
            stream.listener?.yield(bytes)
            if final {
                stream.finished = true
                stream.listener?.finish()
                stream.listener = nil
            }
            sessions[token]?.streams[number] = stream
            return id
        }
    }

    /// The listener of `generation` went away (the client dropped the connection): keep buffering.
    func detach(token: String, stream number: Int, generation: Int) {
        let listener = sessions.withLock { sessions -> AsyncStream<ByteBuffer>.Continuation? in
            guard let stream = sessions[token]?.streams[number], stream.generation == generation else { return nil }
            sessions[token]?.streams[number]?.listener = nil
            return stream.listener
        }
        listener?.finish()
    }

    /// Ends a stream without a final event (its request was cancelled): nothing more comes.
    func end(token: String, stream number: Int) {
        let listener = sessions.withLock { sessions -> AsyncStream<ByteBuffer>.Continuation? in
            guard var stream = sessions[token]?.streams[number] else { return nil }
            stream.finished = true
            let listener = stream.listener
            stream.listener = nil
            sessions[token]?.streams[number] = stream
            return listener
        }
        listener?.finish()
    }

    /// Re-attaches to the stream `lastEventID` belongs to: the events after it, then the live
    /// rest. Nil when the id names no stream of this session.
    func resume(token: String, lastEventID: String) -> (stream: Int, generation: Int, output: AsyncStream<ByteBuffer>)?
    {
        let parts = lastEventID.split(separator: "-")
        guard parts.count == 2, let number = Int(parts[0]), let sequence = Int(parts[1]) else { return nil }
        let (output, continuation) = AsyncStream.makeStream(
            of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(eventsPerStream))
        let found = sessions.withLock { sessions -> Int? in
            guard var stream = sessions[token]?.streams[number] else { return nil }
            stream.listener?.finish()
            stream.generation += 1
            for event in stream.events where event.sequence > sequence { continuation.yield(event.bytes) }
            if stream.finished {
                continuation.finish()
                stream.listener = nil
            } else {
                stream.listener = continuation
            }
            sessions[token]?.streams[number] = stream
            return stream.generation
        }
        return found.map { (number, $0, output) }
    }

    /// Claims the session's one standalone GET stream for `continuation`; false when one is
    /// open already (409).
    func claimStandalone(token: String, continuation: AsyncStream<ByteBuffer>.Continuation) -> Bool {
        sessions.withLock { sessions in
            var entry = sessions[token] ?? SessionStreams()
            guard entry.standalone == nil else { return false }
            entry.standalone = continuation
            sessions[token] = entry
            return true
        }
    }

    func releaseStandalone(token: String) {
        sessions.withLock { $0[token]?.standalone = nil }
    }

    /// Ends every standalone GET stream (the server is draining: they carry no answers).
    func finishStandaloneStreams() {
        let open = sessions.withLock { sessions in sessions.values.compactMap(\.standalone) }
        for continuation in open { continuation.finish() }
    }

    /// Drops everything of a session (it ended or expired).
    func remove(token: String) {
        let listeners = sessions.withLock { sessions -> [AsyncStream<ByteBuffer>.Continuation] in
            let removed = sessions.removeValue(forKey: token)
            return (removed?.streams.values.compactMap(\.listener) ?? []) + [removed?.standalone].compactMap { $0 }
        }
        for listener in listeners { listener.finish() }
    }

    /// Drops the sessions `isLive` says are gone.
    func sweep(isLive: (String) -> Bool) {
        let tokens = sessions.withLock { Array($0.keys) }
        for token in tokens where !isLive(token) { remove(token: token) }
    }

    var sessionCount: Int { sessions.withLock { $0.count } }
}
