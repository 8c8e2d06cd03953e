import Foundation
import MCPCore
import MCPPlatform
import Testing

/// What a worker hands back after start-up: only the executable's read-only segments, and the
/// process runs on afterwards with every byte as it was (code, constants, relocated metadata).
@Suite("Start-up code hand-back")
struct StartupCodeTests {
    #if os(Linux)
        /// (range, permissions) of each mapping in /proc/self/maps.
        func mappings() throws -> [(Range<UInt>, String)] {
            try String(contentsOfFile: "/proc/self/maps", encoding: .utf8).split(separator: "\n").compactMap { line in
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                let bounds = fields.first?.split(separator: "-").compactMap { UInt($0, radix: 16) } ?? []
                guard fields.count >= 2, bounds.count == 2 else { return nil }
                return (bounds[0]..<bounds[1], String(fields[1]))
            }
        }

        @Test func theSegmentsHandedBackAreReadOnlyAndHoldThisCode() throws {
            let segments = StartupCode.readOnlySegments()
            #expect(!segments.isEmpty)
            let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
            for segment in segments {
                #expect(segment.lowerBound % page == 0 && segment.upperBound % page == 0)
                // Every mapping it overlaps is read-only: never `.data`, `.bss` or the relocated
                // data that turns read-only after relocation (its segment has PF_W).
                for (range, permissions) in try mappings() where range.overlaps(segment) {
                    #expect(!permissions.contains("w"), "\(range) \(permissions) overlaps \(segment)")
                }
            }
            // This test's own code is in one of them.
            let code: @convention(c) () -> Int32 = { 42 }
            let address = UInt(bitPattern: unsafeBitCast(code, to: UnsafeRawPointer.self))
            #expect(segments.contains { $0.contains(address) })
        }

        @Test func theProcessRunsOnUnchangedAfterHandingBack() throws {
            let greeting = "start-up is over"
            let before = JSONWriter.string(["tools": [["name": "add", "n": 2]], "greeting": .string(greeting)])
            let released = StartupCode.release()
            #expect(released > 0)
            // Code, string constants and metadata (relocated pointers) fault back in intact.
            let after = JSONWriter.string(["tools": [["name": "add", "n": 2]], "greeting": .string(greeting)])
            #expect(after == before)
            let anything: Any = [1, 2, 3] as [Int]
            #expect((anything as? [Int]) == [1, 2, 3])
            #expect(String(describing: type(of: anything)) == "Array<Int>")
            let decoded = try JSONDecoder().decode([String: [Int]].self, from: Data(#"{"a":[1,2]}"#.utf8))
            #expect(decoded == ["a": [1, 2]])
        }
    #endif
}
