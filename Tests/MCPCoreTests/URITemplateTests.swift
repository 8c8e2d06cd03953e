import MCPCore
import Testing

@Suite("URI templates")
struct URITemplateTests {
    @Test func matchesOneSegmentPerVariable() throws {
        let template = try #require(URITemplate("config://user/{user_id}"))
        #expect(template.variables == ["user_id"])
        #expect(template.match("config://user/alice") == ["user_id": "alice"])
        #expect(template.match("config://user/a%20b") == ["user_id": "a b"])
        #expect(template.match("config://user/") == nil)
        #expect(template.match("config://user/a/b") == nil)
        #expect(template.match("config://users/a") == nil)
        #expect(template.match("config://user/%zz") == nil)
    }

    @Test func handlesLiteralsBetweenVariables() throws {
        let template = try #require(URITemplate("repo://{owner}/{name}/readme"))
        #expect(template.match("repo://apple/swift/readme") == ["owner": "apple", "name": "swift"])
        #expect(template.match("repo://apple/swift/license") == nil)
    }

    @Test func rejectsMalformedTemplates() {
        #expect(URITemplate("plain://uri") == nil)
        #expect(URITemplate("a://{open") == nil)
        #expect(URITemplate("a://{}") == nil)
        #expect(URITemplate("a://{x}{y}") == nil)
    }

    @Test func matchingALongHostileURIIsLinear() {
        let template = URITemplate("a://{x}/b/{y}/c")!
        let uri = "a://" + String(repeating: "b/", count: 50_000) + "x"
        #expect(template.match(uri) == nil)
    }
}
