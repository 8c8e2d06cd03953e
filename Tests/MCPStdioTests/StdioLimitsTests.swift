import Foundation
import InteropSupport
import MCPCore
import Testing

/// The line limit on stdio is exact: a line of `MAX_BODY_SIZE` bytes is served, one byte more is
/// refused — also when the whole line arrives in one read (it used to pass by up to 64 KiB then).
@Suite("stdio line limit")
struct StdioLimitsTests {
    /// A `server/discover` line padded to exactly `length` bytes (without its newline).
    func discover(id: Int, length: Int) -> String {
        let line = modern(id, "server/discover", #"{"pad":""}"#)
        let padding = String(repeating: "x", count: length - line.utf8.count)
        return modern(id, "server/discover", #"{"pad":"\#(padding)"}"#)
    }

    @Test func aLineAtTheLimitPassesAndOneByteMoreIsRefused() async throws {
        let server = try StdioProcess(environment: ["MAX_BODY_SIZE": "2048"])
        defer { server.stop() }
        let fits = discover(id: 1, length: 2048)
        let over = discover(id: 2, length: 2049)
        #expect(fits.utf8.count == 2048 && over.utf8.count == 2049)
        // Both lines in one write, so they arrive in the same read.
        server.send(bytes: Array((fits + "\n" + over + "\n" + modern(3, "server/discover") + "\n").utf8))
        let served = try #require(try await server.response(id: 1))
        #expect(served["result"] != nil)
        #expect(try await server.response(id: 3)?["result"] != nil)
        let errors = try server.output.map { try JSONParser.parse($0) }.filter { $0["error"] != nil }
        #expect(errors.count == 1)
        #expect(errors.first?["error"]?["code"] == -32600)
        #expect(try await server.response(id: 2, timeout: .milliseconds(1)) == nil, "never served")
    }
}
