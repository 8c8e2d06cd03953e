import MCPCore
import MCPHTTP
import MCPTesting
import NIOCore
import NIOHTTP1
import Testing

/// The deprecated HTTP+SSE transport (2024-11-05, §20).
@Suite("Legacy HTTP+SSE transport")
struct LegacySSETests {
    @Test func announcesTheEndpointAndAnswersOnTheStream() async throws {
        try await withServer({ $0.legacySSE = true }) { server in
            let client = server.client
            let stream = try await client.stream("GET", "/sse", headers: [("Accept", "text/event-stream")])
            var iterator = stream.makeAsyncIterator()
            var text = ""
            while !text.contains("\n\n") {
                guard let part = try await iterator.next() else { break }
                if case .body(let buffer) = part { text += String(buffer: buffer) }
            }
            #expect(text.hasPrefix("event: endpoint\ndata: /messages?session_id="))
            let endpoint = String(text.split(separator: "\n")[1].dropFirst(6))
            let posted = try await client.send("POST", endpoint, json: initializeBody)
            #expect(posted.status == 202)
            var events = ""
            while !events.contains("protocolVersion") {
                guard let part = try await iterator.next() else { break }
                if case .body(let buffer) = part { events += String(buffer: buffer) }
            }
            #expect(events.contains("event: message"))
            #expect(try await client.send("POST", "/messages?session_id=bogus", json: initializeBody).status == 404)
            #expect(try await client.send("POST", "/sse", json: "{}").status == 405)
        }
    }

    @Test func aStreamsSlotIsFreeAsSoonAsItsClientLeaves() async throws {
        // One session at most, keep-alives far apart: the slot must not wait for a failed write.
        try await withServer({
            $0.legacySSE = true
            $0.maxSessions = 1
            $0.sseKeepAliveInterval = 30
        }) { server in
            let client = server.client
            /// The status a new `/sse` stream gets; it stays open until `holder` is cancelled.
            func open() async throws -> (status: Int, holder: Task<Void, any Error>) {
                let stream = try await client.stream("GET", "/sse", headers: [("Accept", "text/event-stream")])
                let (statuses, gotStatus) = AsyncStream.makeStream(of: Int.self)
                let holder = Task {
                    for try await part in stream {
                        if case .head(let head) = part { gotStatus.yield(Int(head.status.code)) }
                    }
                }
                for await status in statuses { return (status, holder) }
                return (0, holder)
            }
            let (status, first) = try await open()
            #expect(status == 200)
            let (full, second) = try await open()
            #expect(full == 503, "one session at most")
            second.cancel()
            first.cancel()  // the client goes away
            var reopened = 0
            for _ in 0..<50 {
                try await Task.sleep(for: .milliseconds(20))
                let (again, holder) = try await open()
                holder.cancel()
                if again == 200 {
                    reopened += 1
                    break
                }
            }
            #expect(reopened == 1, "the slot is free within a second, not after a keep-alive timeout")
        }
    }

    @Test func isOffUnlessSelected() async throws {
        try await withServer { server in
            let response = try await server.client.send("GET", "/sse", headers: [("Accept", "text/event-stream")])
            #expect(response.status == 404)
        }
    }
}
