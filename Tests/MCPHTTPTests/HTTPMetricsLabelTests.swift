import MCPCore
import Metrics
import Testing

@testable import MCPHTTP

/// The labels a request is counted under: bounded, whatever the client sends.
@Suite("HTTP metrics labels")
struct HTTPMetricsLabelTests {
    @Test(arguments: [
        ("POST", "POST"), ("GET", "GET"), ("OPTIONS", "OPTIONS"), ("BREW", "other"), ("post", "other"), ("", "other"),
    ])
    func httpMethods(sent: String, label: String) {
        #expect(HTTPMetrics.httpMethods[HTTPMetrics.label(sent, in: HTTPMetrics.httpMethods)] == label)
    }

    @Test(arguments: [
        ("tools/call", "tools/call"), ("notifications/roots/list_changed", "notifications/roots/list_changed"),
        ("batch", "batch"), ("tools/explode", "other"), ("Tools/Call", "other"), ("other", "other"),
    ])
    func mcpMethods(sent: String, label: String) {
        #expect(HTTPMetrics.mcpMethods[HTTPMetrics.label(sent, in: HTTPMetrics.mcpMethods)] == label)
    }

    @Test func everyLabelIsItsOwn() {
        for labels in [HTTPMetrics.httpMethods, HTTPMetrics.mcpMethods] {
            #expect(Set(labels).count == labels.count)
            #expect(labels.last == "other")
            for (index, text) in labels.enumerated() { #expect(HTTPMetrics.label(text, in: labels) == index) }
        }
    }

    /// The key's hash leaves the era out; equality does not, so each era keeps its own series.
    @Test func erasAreCountedApart() throws {
        func key(_ era: RequestEra?) -> HTTPMetrics.RequestKey {
            HTTPMetrics.RequestKey(method: 0, route: "/mcp", status: 200, mcpMethod: 0, era: era)
        }
        #expect(key(.modern) != key(.handshake))
        #expect(key(.modern) == key(.modern))
        for era in [RequestEra.modern, .handshake, .rest] {
            let counter = try #require(HTTPMetrics.handles[key(era)].mcpRequests)
            #expect(counter.label == "mcp_requests_total")
            #expect(counter.dimensions.map { "\($0.0)=\($0.1)" } == ["method=tools/call", "era=\(era.rawValue)"])
        }
        let counter = try #require(HTTPMetrics.handles[key(nil)].mcpRequests)
        #expect(counter.dimensions.map { "\($0.0)=\($0.1)" } == ["method=tools/call", "era=unknown"])
        let requests = HTTPMetrics.handles[key(.modern)].requests
        #expect(requests.dimensions.map { "\($0.0)=\($0.1)" } == ["method=POST", "route=/mcp", "status=200"])
    }
}
