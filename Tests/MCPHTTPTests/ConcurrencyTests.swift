import MCPCore
import MCPTesting
import Testing

/// Every exchange gets the answer to its own request, whatever ids other clients use (§2,
/// peers' CVE-2026-25536 / swift-sdk #254): 500 clients at once, all with id 1.
@Suite("HTTP concurrency")
struct ConcurrencyTests {
    @Test func fiveHundredConcurrentCallsWithTheSameIDEachGetTheirOwnAnswer() async throws {
        try await withServer { server in
            let client = server.client
            let results = try await withThrowingTaskGroup(of: (Int, JSONValue?).self) { group in
                for index in 0..<500 {
                    group.addTask {
                        let body = Modern.body(
                            id: "1", "tools/call", #"{"name":"add","arguments":{"a":\#(index),"b":0.5}}"#)
                        let response = try await client.send(
                            headers: Modern.headers("tools/call", name: "add"), json: body)
                        return (index, response.json)
                    }
                }
                var collected: [(Int, JSONValue?)] = []
                for try await result in group { collected.append(result) }
                return collected
            }
            #expect(results.count == 500)
            for (index, answer) in results {
                #expect(answer?["id"] == 1)
                #expect(
                    answer?["result"]?["structuredContent"]?["result"] == .double(Double(index) + 0.5),
                    "request \(index)")
            }
        }
    }

    @Test func stringAndNumberIDsStayApart() async throws {
        try await withServer { server in
            async let numeric = server.client.send(
                headers: Modern.headers("tools/call", name: "add"),
                json: Modern.body(id: "1", "tools/call", #"{"name":"add","arguments":{"a":1,"b":1}}"#))
            async let text = server.client.send(
                headers: Modern.headers("tools/call", name: "add"),
                json: Modern.body(id: "\"1\"", "tools/call", #"{"name":"add","arguments":{"a":2,"b":2}}"#))
            let (first, second) = try await (numeric, text)
            #expect(first.json?["id"] == .int(1))
            #expect(first.json?["result"]?["structuredContent"]?["result"] == 2.0)
            #expect(second.json?["id"] == .string("1"))
            #expect(second.json?["result"]?["structuredContent"]?["result"] == 4.0)
        }
    }
}
