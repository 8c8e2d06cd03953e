#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Hands back the resident pages of this executable's code once start-up is over.
///
/// The static binary's code (stdlib, Foundation, NIO, the catalogue: ~38 MB) is mapped by every
/// process of the server, and start-up — argument parsing, settings, the dynamic loader's
/// relocation pass, building the catalogue, each fault bringing in its 64 KB neighbourhood —
/// leaves 16–19 MB of it resident per process. After start-up the supervisor runs only its poll
/// loop and a worker only its request path, so each drops its mappings of those pages
/// (`MADV_DONTNEED`) and faults back in what it runs next (measured: supervisor 27 → 14 MB,
/// workers under load 31–34 → 23–25 MB RSS; request rate unchanged). Only the executable's
/// `r-xp` mappings are dropped: they are never written (no text relocations in a PIE), so a
/// refault reads exactly the same bytes; relocated data (`.data.rel.ro`) is left alone.
enum StartupCode {
    /// Bytes released (0 when /proc is unavailable).
    @discardableResult
    static func release() -> Int {
        guard let executable = resolvedPath("/proc/self/exe"), let maps = fopen("/proc/self/maps", "r") else {
            return 0
        }
        defer { fclose(maps) }
        var released = 0
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), maps) != nil {
            let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "r-xp",
                fields[5].split(separator: "\n").first.map(String.init) == executable
            else { continue }
            let bounds = fields[0].split(separator: "-").compactMap { UInt(String($0), radix: 16) }
            guard bounds.count == 2, bounds[1] > bounds[0],
                let start = UnsafeMutableRawPointer(bitPattern: bounds[0])
            else { continue }
            let length = Int(bounds[1] - bounds[0])
            if madvise(start, length, MADV_DONTNEED) == 0 { released += length }
        }
        return released
    }

    private static func resolvedPath(_ link: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(link, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
