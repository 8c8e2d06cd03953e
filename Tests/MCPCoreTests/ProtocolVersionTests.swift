import MCPCore
import Testing

/// `ProtocolVersion` reads and orders revisions by hand (for speed): it must agree with the
/// dates the revisions are named by.
@Suite("Protocol revisions")
struct ProtocolVersionTests {
    @Test func everyRevisionReadsBackAndNothingElseDoes() {
        for version in ProtocolVersion.allCases {
            #expect(ProtocolVersion(rawValue: version.rawValue) == version)
        }
        for text in ["", "2026-07-29", "2025-11-25 ", "2026-07-2", "latest", "2024-11-05\u{0}"] {
            #expect(ProtocolVersion(rawValue: text) == nil, "\(text)")
        }
    }

    @Test func revisionsOrderAsTheirDates() {
        for left in ProtocolVersion.allCases {
            for right in ProtocolVersion.allCases {
                #expect((left < right) == (left.rawValue < right.rawValue), "\(left) \(right)")
            }
        }
        #expect(ProtocolVersion.allCases.sorted() == ProtocolVersion.allCases)
    }
}
