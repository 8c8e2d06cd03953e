import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads and writes the small files of the runtime folder without following symbolic links:
/// a link planted in the folder makes the operation fail instead of redirecting it. Writes go
/// to a new temporary file (created exclusively, mode 0600) that is renamed into place, so a
/// reader sees the old or the new content, never half of it.
enum PrivateFile {
    private static let serial = Atomic<Int>(0)

    /// Replaces `path` with `bytes`; false when it could not.
    @discardableResult
    static func write(_ bytes: some Collection<UInt8>, to path: String) -> Bool {
        let number = serial.wrappingAdd(1, ordering: .relaxed).newValue
        let temporary = "\(path).tmp-\(getpid())-\(number)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        let content = Array(bytes)
        var offset = 0
        while offset < content.count {
            let count = content.withUnsafeBytes { posixWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            offset += count
        }
        close(descriptor)
        guard offset == content.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// Replaces `path` with `text`.
    @discardableResult
    static func write(_ text: String, to path: String) -> Bool { write(text.utf8, to: path) }

    /// The content of the regular file `path` (up to `limit` bytes); nil when it is missing, a
    /// link or not a regular file.
    static func read(_ path: String, limit: Int = 64 << 20) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { posixRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<min(count, limit - bytes.count)]
        }
        return bytes
    }

    /// The text of `path`, decoded as UTF-8.
    static func readText(_ path: String) -> String? {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }
}

// The C functions under other names: inside `PrivateFile`, `read` and `write` are its own.
private func posixWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}

private func posixRead(_ descriptor: Int32, _ pointer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, pointer, count)
}
