import Dispatch
import Foundation
import MCPPlatform
import Testing

/// The package's own threads carry names the kernel shows (`top -H`, `ps -L`), cut to the 15
/// bytes Linux keeps instead of refused.
@Suite("Thread names")
struct ThreadNameTests {
    #if os(Linux)
        @Test func aThreadNamesItselfAndALongNameIsCut() throws {
            let named = DispatchSemaphore(value: 0)
            let finish = DispatchSemaphore(value: 0)
            for name in ["mcp-test-short", "mcp-test-a-name-longer-than-fifteen"] {
                PlatformThread.startDetached {
                    PlatformThread.nameCurrent(name)
                    named.signal()
                    finish.wait()
                }
            }
            named.wait()
            named.wait()
            defer {
                finish.signal()
                finish.signal()
            }
            let names = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").compactMap {
                try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8)
                    .trimmingCharacters(in: .newlines)
            }
            #expect(names.contains("mcp-test-short"), "\(names)")
            #expect(names.contains("mcp-test-a-name"), "the first 15 bytes: \(names)")
        }
    #endif
}
