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
            let headers = [("Accept", "text/event-stream")]
            let (status, first) = try await server.openStream("/sse", headers: headers)
            #expect(status == 200)
            let (full, second) = try await server.openStream("/sse", headers: headers)
            #expect(full == 503, "one session at most")
            second.cancel()
            first.cancel()  // the client goes away
            #expect(
                try await server.streamReopens("/sse", headers: headers),
                "the slot is free within a second, not after a keep-alive timeout")
        }
    }

    @Test func isOffUnlessSelected() async throws {
        try await withServer { server in
            let response = try await server.client.send("GET", "/sse", headers: [("Accept", "text/event-stream")])
            #expect(response.status == 404)
        }
    }
}
