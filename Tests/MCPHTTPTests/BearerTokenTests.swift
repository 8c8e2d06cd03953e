import Testing

@testable import MCPHTTP

/// `Authorization: Bearer <token>` as RFC 6750 §2.1 writes it: which headers yield a token.
struct BearerTokenTests {
    @Test func theSchemeIsReadInAnyCaseFollowedByOneSpace() {
        #expect(BearerAuth.token("Bearer abc") == "abc")
        #expect(BearerAuth.token("bearer abc") == "abc")
        #expect(BearerAuth.token("BEARER a-b.c_d~e+f/g==") == "a-b.c_d~e+f/g==")
        #expect(BearerAuth.token("Bearer") == nil)
        #expect(BearerAuth.token("Bearer ") == nil, "no token")
        #expect(BearerAuth.token("Bearer  abc") == nil, "two spaces")
        #expect(BearerAuth.token("Bearer\tabc") == nil)
        #expect(BearerAuth.token("Bearerabcd") == nil)
        #expect(BearerAuth.token("Basic YWxpY2U6cHc=") == nil)
        #expect(BearerAuth.token("Bearar abc") == nil)
        #expect(BearerAuth.token("Bearer@abc") == nil, "the seventh byte must be a space")
    }

    @Test func onlyToken68CharactersMayFollow() {
        for bad in ["a b", "a,b", "a\"b", "a;b", "a\u{0}b", "aé", "a\u{7f}b", "a\nb", "a:b", "a@b", "a[b"] {
            #expect(BearerAuth.token("Bearer " + bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test func aTokenMayBe16KiBAndNoMore() {
        let longest = String(repeating: "a", count: 16_384)
        #expect(BearerAuth.token("Bearer " + longest) == longest)
        #expect(BearerAuth.token("Bearer " + longest + "a") == nil)
    }
}
