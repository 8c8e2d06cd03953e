import Foundation

/// Where a new package gets the scaffold from when `mcp-server new` is given neither `--url` nor
/// `--local`: from the checkout the templates came from. A checkout whose `origin` remote is a
/// URL and whose commit carries a release tag (`v1.2.0` or `1.2.0`) gives that URL and version;
/// any other checkout (a clone without tags, a copy, an offline mirror) is depended on by path,
/// which builds anywhere that checkout exists. Never a URL that was not read from the checkout.
enum ScaffoldOrigin {
    /// The dependency for a package generated from the checkout at `root`.
    static func dependency(checkout root: URL) -> ProjectOptions.Dependency {
        if let url = git(["remote", "get-url", "origin"], in: root).flatMap(publishable),
            let tag = git(["describe", "--tags", "--abbrev=0", "--match", "*[0-9].[0-9]*"], in: root),
            let version = semanticVersion(tag)
        {
            return .remote(url: url, version: version)
        }
        return .local(path: root.standardizedFileURL.path)
    }

    /// `url` when SwiftPM can fetch it from another machine (https, ssh or git@host:path).
    static func publishable(_ url: String) -> String? {
        let schemes = ["https://", "http://", "ssh://", "git://"]
        if schemes.contains(where: url.hasPrefix) { return url }
        if url.hasPrefix("git@"), url.contains(":") { return url }
        return nil
    }

    /// `v1.2.0` or `1.2.0` → `1.2.0`; nil for a tag that is not a semantic version.
    static func semanticVersion(_ tag: String) -> String? {
        let version = tag.hasPrefix("v") ? String(tag.dropFirst()) : tag
        let core = version.split(separator: "-", maxSplits: 1).first.map(String.init) ?? version
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return nil }
        return version
    }

    /// The first line `git ARGUMENTS` prints in `folder`, or nil when git is missing or fails.
    private static func git(_ arguments: [String], in folder: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init)
        return line?.trimmingCharacters(in: .whitespaces).nilIfEmpty
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
