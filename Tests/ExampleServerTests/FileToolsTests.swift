import ExampleServer
import Foundation
import MCPCore
import MCPTesting
import Testing

@Suite("File tools")
struct FileToolsTests {
    @Test func writesReadsListsAndDescribes() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let client = try sandbox.client()
        let written = try await client.callTool("write_text_file", ["file_path": "notes/a.txt", "content": "one\ntwo"])
        #expect(
            written["structuredContent"] == [
                "message": "Successfully wrote to notes/a.txt", "file_path": "notes/a.txt", "size_bytes": 7, "lines": 2,
            ])
        let read = try await client.callTool("read_text_file", ["file_path": "notes/a.txt"])
        #expect(
            read["structuredContent"] == [
                "content": "one\ntwo", "file_path": "notes/a.txt", "size_bytes": 7, "lines": 2,
            ])
        let again = try await client.callTool("write_text_file", ["file_path": "notes/a.txt", "content": "x"])
        #expect(again["isError"] == true)
        #expect(again.text == "File already exists: 'notes/a.txt' (pass overwrite=true to replace it)")
        let replaced = try await client.callTool(
            "write_text_file", ["file_path": "notes/a.txt", "content": "x", "overwrite": true])
        #expect(replaced["isError"] == false)
        #expect(try String(contentsOfFile: sandbox.workspacePath + "/notes/a.txt", encoding: .utf8) == "x")

        _ = try await client.callTool("create_directory", ["directory_path": "deep/er/est"])
        let listing = try await client.callTool("list_directory", [:])
        #expect(listing["structuredContent"] == ["files": [], "directories": ["deep", "notes"], "path": "."])
        let nested = try await client.callTool("list_directory", ["directory_path": "notes"])
        #expect(nested["structuredContent"]?["files"] == ["a.txt"])

        let info = try await client.callTool("file_info", ["file_path": "notes/a.txt"])
        #expect(info["structuredContent"]?["type"] == "file")
        #expect(info["structuredContent"]?["size_bytes"] == 1)
        #expect(info["structuredContent"]?["name"] == "a.txt")
        let folder = try await client.callTool("file_info", ["file_path": "deep"])
        #expect(folder["structuredContent"]?["type"] == "directory")
        let missing = try await client.callTool("read_text_file", ["file_path": "nope.txt"])
        #expect(missing.text == "Not found: 'nope.txt'")
    }

    @Test func writesAndReadsJSON() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let client = try sandbox.client()
        let data: JSONValue = ["name": "test", "value": 123, "list": [1, "ü"]]
        let written = try await client.callTool("write_json_file", ["file_path": "d.json", "data": data, "indent": 4])
        #expect(written["isError"] == false)
        let text = try String(contentsOfFile: sandbox.workspacePath + "/d.json", encoding: .utf8)
        #expect(text.hasPrefix("{\n    \"name\": \"test\""))
        let read = try await client.callTool("read_json_file", ["file_path": "d.json"])
        #expect(read["structuredContent"]?["data"] == data)
        _ = try await client.callTool("write_text_file", ["file_path": "bad.json", "content": "{oops"])
        let bad = try await client.callTool("read_json_file", ["file_path": "bad.json"])
        #expect(bad.text?.hasPrefix("Invalid JSON in file bad.json") == true)
        let badIndent = try await client.callTool(
            "write_json_file", ["file_path": "e.json", "data": [:], "indent": 99])
        #expect(badIndent["isError"] == true)
    }

    @Test func writesAreAtomicAndLeaveNoTemporaryFiles() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let client = try sandbox.client()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    _ = try? await client.callTool(
                        "write_text_file",
                        [
                            "file_path": "same.txt",
                            "content": .string(String(repeating: "\(index % 10)", count: 10_000)), "overwrite": true,
                        ])
                }
            }
        }
        let content = try String(contentsOfFile: sandbox.workspacePath + "/same.txt", encoding: .utf8)
        #expect(content.count == 10_000)
        #expect(Set(content).count == 1, "every write is all-or-nothing")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.workspacePath).filter {
            $0.hasPrefix(".tmp-")
        }
        #expect(leftovers.isEmpty)
    }

    @Test func capsReadAndWriteSizes() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let client = try sandbox.client()
        let big = String(repeating: "x", count: 1024 * 1024 + 1)
        let write = try await client.callTool("write_text_file", ["file_path": "big.txt", "content": .string(big)])
        #expect(write.text == "Content is larger than the 1048576-byte write limit")
        try big.write(toFile: sandbox.workspacePath + "/big.txt", atomically: true, encoding: .utf8)
        let read = try await client.callTool("read_text_file", ["file_path": "big.txt"])
        #expect(read.text == "File is larger than the 1048576-byte read limit: 'big.txt'")
        let folder = try await client.callTool("read_text_file", ["file_path": "."])
        #expect(folder["isError"] == true)
    }
}

/// Every way out of the workspace the issue names: none may read, write or list
/// anything outside.
@Suite("Workspace sandbox")
struct SandboxEscapeTests {
    static let escapes = [
        "../secret.txt", "../../../../etc/passwd", "/etc/passwd", "sub/../../secret.txt", "./a/../../x",
        "%2e%2e/%2e%2e/etc/passwd", "..%2fsecret.txt", "%252e%252e%252fsecret.txt", "..\\..\\secret.txt",
        "．．／secret.txt", "file.txt\u{0}.png", "../ws-evil/secret", "", String(repeating: "a/", count: 2500),
        String(repeating: "n", count: 300),
    ]

    @Test(arguments: escapes)
    func refusesToReadOrWriteOutside(_ path: String) async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let client = try sandbox.client()
        let before = try FileManager.default.contentsOfDirectory(atPath: sandbox.base).sorted()
        for tool in ["read_text_file", "read_json_file", "file_info"] {
            let result = try await client.callTool(tool, ["file_path": .string(path)])
            let text = JSONWriter.string(result.json)
            #expect(
                !text.contains("TOP-SECRET") && !text.contains("EVIL-SECRET") && !text.contains("root:"),
                "\(tool) \(path)")
            #expect(!text.contains(sandbox.base), "errors never show host paths")
        }
        for tool in ["write_text_file", "write_json_file"] {
            let argument: JSONValue = tool == "write_text_file" ? "pwned" : ["pwned": true]
            let key = tool == "write_text_file" ? "content" : "data"
            _ = try await client.callTool(tool, ["file_path": .string(path), .init(key): argument, "overwrite": true])
        }
        #expect(try String(contentsOfFile: sandbox.secretPath, encoding: .utf8) == "TOP-SECRET")
        #expect(try String(contentsOfFile: sandbox.base + "/ws-evil/secret", encoding: .utf8) == "EVIL-SECRET")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.base).sorted() == before)
    }

    @Test func refusesAbsoluteAndParentPathsWithAClearMessage() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let client = try sandbox.client()
        #expect(
            try await client.callTool("read_text_file", ["file_path": "../secret.txt"]).text
                == "Path must not contain '..'")
        #expect(
            try await client.callTool("read_text_file", ["file_path": .string(sandbox.secretPath)]).text
                == "Absolute paths are not allowed; use a path inside the workspace")
        #expect(try await client.callTool("list_directory", ["directory_path": ".."])["isError"] == true)
    }

    @Test func neverFollowsSymbolicLinks() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let client = try sandbox.client()
        let ws = sandbox.workspacePath
        try FileManager.default.createSymbolicLink(atPath: ws + "/linkdir", withDestinationPath: sandbox.base)
        try FileManager.default.createSymbolicLink(atPath: ws + "/l.txt", withDestinationPath: sandbox.secretPath)
        try FileManager.default.createSymbolicLink(atPath: ws + "/loop-a", withDestinationPath: ws + "/loop-b")
        try FileManager.default.createSymbolicLink(atPath: ws + "/loop-b", withDestinationPath: ws + "/loop-a")
        try FileManager.default.createSymbolicLink(atPath: ws + "/dangling", withDestinationPath: ws + "/nothing")
        try FileManager.default.createSymbolicLink(atPath: ws + "/environ", withDestinationPath: "/proc/self/environ")
        for path in ["linkdir/secret.txt", "l.txt", "loop-a", "dangling", "environ", "linkdir/ws/../secret.txt"] {
            let read = try await client.callTool("read_text_file", ["file_path": .string(path)])
            #expect(read["isError"] == true, "\(path)")
            #expect(!JSONWriter.string(read.json).contains("SECRET"))
        }
        let write = try await client.callTool("write_text_file", ["file_path": "linkdir/new.txt", "content": "x"])
        #expect(write["isError"] == true)
        #expect(!FileManager.default.fileExists(atPath: sandbox.base + "/new.txt"))
        let overwriteLink = try await client.callTool(
            "write_text_file", ["file_path": "l.txt", "content": "x", "overwrite": true])
        #expect(overwriteLink["isError"] == true)
        #expect(try String(contentsOfFile: sandbox.secretPath, encoding: .utf8) == "TOP-SECRET")
        let list = try await client.callTool("list_directory", ["directory_path": "linkdir"])
        #expect(list["isError"] == true)
        let mkdir = try await client.callTool("create_directory", ["directory_path": "linkdir/made"])
        #expect(mkdir["isError"] == true)
        #expect(!FileManager.default.fileExists(atPath: sandbox.base + "/made"))
        let info = try await client.callTool("file_info", ["file_path": "l.txt"])
        #expect(info["structuredContent"]?["type"] == "symlink")
    }

    @Test func refusesHardLinksFIFOsAndDevices() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let client = try sandbox.client()
        let ws = sandbox.workspacePath
        try FileManager.default.linkItem(atPath: sandbox.secretPath, toPath: ws + "/hard.txt")
        #expect(mkfifo(ws + "/fifo", 0o644) == 0)
        let hard = try await client.callTool("read_text_file", ["file_path": "hard.txt"])
        #expect(hard.text == "Files with several hard links are not read: 'hard.txt'")
        let fifo = try await client.callTool("read_text_file", ["file_path": "fifo"])
        #expect(fifo.text == "Not a regular file: 'fifo'")
        let writeFIFO = try await client.callTool(
            "write_text_file", ["file_path": "fifo", "content": "x", "overwrite": true])
        #expect(writeFIFO["isError"] == true)
        // Replacing a hard-linked name swaps the directory entry; the outside file keeps its content.
        _ = try await client.callTool("write_text_file", ["file_path": "hard.txt", "content": "x", "overwrite": true])
        #expect(try String(contentsOfFile: sandbox.secretPath, encoding: .utf8) == "TOP-SECRET")
    }
}
