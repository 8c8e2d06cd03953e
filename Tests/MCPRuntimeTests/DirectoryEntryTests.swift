import Foundation
import MCPPlatform
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Listing a folder reads each entry's name up to its NUL and no further: the last entry of
/// `readdir`'s buffer can end just before an unmapped page, and loading the declared 256-byte
/// `d_name` as a value there crashed the process (a CI run listing `/proc/self/fd` did).
@Suite("Directory entries")
struct DirectoryEntryTests {
    @Test func aNameEndingJustBeforeAnUnreadablePageIsReadWithoutTouchingIt() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let mapping = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0)
        let mapped = try #require(mapping == MAP_FAILED ? nil : mapping, "two pages mapped")
        defer { munmap(mapped, 2 * page) }
        #expect(mprotect(mapped + page, page, PROT_NONE) == 0, "the second page unreadable")

        let name = "1626"
        let nameOffset = MemoryLayout<dirent>.offset(of: \.d_name)!
        let stride = MemoryLayout<dirent>.alignment
        // The entry sits as late in the first page as its name and alignment allow.
        let start = (page - nameOffset - name.utf8.count - 1) / stride * stride
        let entry = mapped + start
        entry.initializeMemory(as: UInt8.self, repeating: 0, count: page - start)
        for (index, byte) in name.utf8.enumerated() {
            entry.storeBytes(of: byte, toByteOffset: nameOffset + index, as: UInt8.self)
        }
        #expect(page - start - nameOffset < MemoryLayout<dirent>.size - nameOffset, "d_name crosses the page")

        #expect(Directories.entryName(at: entry) == name)
    }

    @Test func everyNameInAFolderIsListedWhole() throws {
        let path = try #require(FileSystem.makeUniqueDirectory(NSTemporaryDirectory() + "mcp-entries-XXXXXX"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let names = ["a", String(repeating: "n", count: 255), "é-ü", "1626"]
        let folder = Directories.openFolder(atPath: path)
        #expect(folder >= 0)
        for name in names {
            let file = Directories.createFile(name, in: folder, permissions: 0o600)
            #expect(file >= 0)
            close(file)
        }
        var listed: [String] = []
        #expect(
            Directories.forEachEntry(in: folder) { name, _ in
                if name != "." && name != ".." { listed.append(name) }
                return true
            })
        #expect(listed.sorted() == names.sorted())
    }
}
