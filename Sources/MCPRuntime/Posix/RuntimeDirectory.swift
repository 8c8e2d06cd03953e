import Foundation
import MCPPlatform

/// The private folder a multi-process server keeps its shared files in (the session table,
/// the metrics files): created fresh for each run with an unpredictable name and mode 0700,
/// never an existing one, and checked to be ours by every process that uses it. Files in it are
/// opened without following links (``PrivateFile``), so a local user can neither pre-create the
/// folder nor redirect its files.
///
/// With `RUNTIME_DIR` set, each run's folder is made inside that folder, which must itself be
/// private (a real folder owned by this user, no access for group or others; created with mode
/// 0700 when missing). What must outlive one run — the list of sessions ended by DELETE — is
/// kept in `RUNTIME_DIR` itself; without it, in the run's folder (so only for that run).
///
/// A run that is killed (SIGKILL, the OOM killer) cannot remove its folder. So every process of
/// a run (the one that creates the folder, and each worker that adopts it) holds a shared `flock`
/// on `run.lock` in it until it exits (the kernel lets it go then, however the process ends), and
/// each new run removes the folders next to its own that no process holds any more
/// (``sweepAbandoned(in:olderThan:now:)``).
package struct RuntimeDirectory: Sendable {
    /// This run's folder (removed when the supervisor stops).
    package let path: String
    /// The folder for state that outlives a run: `RUNTIME_DIR`, else ``path``.
    package let persistent: String
    /// The run lock, held shared by this process while the run lasts (nil if it cannot be opened).
    let runLock: FileLock?

    /// The folder of the workers' metrics files.
    package var metrics: String { path + "/metrics" }
    /// The shared session table's file.
    package var sessionTable: String { path + "/sessions.table" }
    /// The workers' relay sockets (``WorkerRelay``), one per process.
    package var relay: String { path + "/relay" }
    /// The name of the lock every process of a run holds (shared) while it lives.
    static let runLockFile = "run.lock"
    /// What every run folder's name starts with; `mkdtemp` adds eight characters.
    static let folderPrefix = "mcp-server-"
    /// The lock whose holder accepts connections with `ACCEPTING_WORKERS=one`.
    package var acceptTurn: String { path + "/accept.lock" }
    /// The table in which workers count their connections to share new ones evenly
    /// (``AcceptBalance``, `ACCEPTING_WORKERS=all`).
    package var acceptBalance: String { path + "/accept-balance.table" }
    /// The file of sessions ended by DELETE, in ``persistent`` so restarts still refuse them.
    package var revokedSessions: String { persistent + "/" + Self.revokedSessionsFile }
    static let revokedSessionsFile = "revoked-sessions.table"

    /// `RUNTIME_DIR` itself, created with mode 0700 when missing and checked to be private.
    static func persistent(_ path: String) throws -> String {
        if !FileSystem.makeDirectory(path, permissions: 0o700) && SystemErrno.current != SystemErrno.exists {
            throw RuntimeError("cannot create RUNTIME_DIR \(path) (errno \(SystemErrno.current))")
        }
        try verifyPrivate(path, name: "RUNTIME_DIR")
        return path
    }

    /// Creates this run's folder under `parent` (`RUNTIME_DIR`), or under the temporary folder.
    package static func create(in parent: String?) throws -> RuntimeDirectory {
        let base: String
        if let parent, !parent.isEmpty {
            base = try persistent(parent)
        } else {
            let temporary = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            base = temporary.hasSuffix("/") ? String(temporary.dropLast()) : temporary
        }
        // mkdtemp: a name nobody can predict, created atomically (an existing one is an error), mode 0700.
        guard let path = FileSystem.makeUniqueDirectory(base + "/" + folderPrefix + "XXXXXXXX") else {
            throw RuntimeError("cannot create a runtime folder in \(base) (errno \(SystemErrno.current))")
        }
        try verifyPrivate(path, name: "runtime folder")
        let lock = FileLock(path: path + "/" + runLockFile)
        let directory = RuntimeDirectory(
            path: path, persistent: parent.flatMap { $0.isEmpty ? nil : $0 } ?? path, runLock: lock)
        // A run that cannot start leaves no folder behind (and no lock open).
        guard let lock, lock.tryAcquireShared() else {
            let failure = SystemErrno.current
            directory.remove()
            throw RuntimeError("cannot lock \(path)/\(runLockFile) (errno \(failure))")
        }
        for folder in ["metrics", "relay"] where !FileSystem.makeDirectory(path + "/" + folder, permissions: 0o700) {
            let failure = SystemErrno.current
            directory.remove()
            throw RuntimeError("cannot create \(path)/\(folder) (errno \(failure))")
        }
        sweepAbandoned(in: base)
        return directory
    }

    /// Removes the run folders in `base` left by runs that were killed: named like ours, folders
    /// (not links) of this user with no access for others, last changed more than `age` seconds
    /// ago (a run that has just made its folder may not hold its lock yet), with a `run.lock`
    /// that no process holds (the sweep takes it exclusively). A folder without one (an older
    /// version's run) is left alone. Returns the folders removed.
    @discardableResult
    static func sweepAbandoned(in base: String, olderThan age: Double = 60, now: Date = Date()) -> [String] {
        let files = FileManager.default
        let names = (try? files.contentsOfDirectory(atPath: base)) ?? []
        var removed: [String] = []
        for name in names where name.hasPrefix(folderPrefix) && name.utf8.count == folderPrefix.utf8.count + 8 {
            let folder = base + "/" + name
            let lockPath = folder + "/" + runLockFile
            // attributesOfItem uses lstat: a link is never taken for the folder or its lock.
            guard (try? verifyPrivate(folder, name: "run folder")) != nil,
                let changed = (try? files.attributesOfItem(atPath: folder))?[.modificationDate] as? Date,
                now.timeIntervalSince(changed) > age,
                (try? files.attributesOfItem(atPath: lockPath))?[.type] as? FileAttributeType == .typeRegular,
                let lock = FileLock(path: lockPath)
            else { continue }
            defer { lock.close() }
            guard lock.tryAcquire() else { continue }  // its run is alive
            if (try? FileManager.default.removeItem(atPath: folder)) != nil { removed.append(folder) }
        }
        return removed
    }

    /// The folders a worker was handed by its supervisor, checked before use.
    package static func adopt(path: String, persistent: String?) throws -> RuntimeDirectory {
        try verifyPrivate(path, name: "runtime folder")
        try verifyPrivate(path + "/metrics", name: "metrics folder")
        let persistent = persistent ?? path
        if persistent != path { try verifyPrivate(persistent, name: "RUNTIME_DIR") }
        // Held while this worker lives, so a draining worker outliving a killed supervisor keeps it.
        let lock = FileLock(path: path + "/" + runLockFile)
        _ = lock?.tryAcquireShared()  // fails only while a sweep holds it: the run is over then
        return RuntimeDirectory(path: path, persistent: persistent, runLock: lock)
    }

    /// Refuses `path` unless it is a folder (not a link) owned by this user with no group or
    /// other access.
    static func verifyPrivate(_ path: String, name: String) throws {
        // attributesOfItem uses lstat: a link is reported as a link, not followed.
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw RuntimeError("\(name) \(path) does not exist")
        }
        guard attributes[.type] as? FileAttributeType == .typeDirectory else {
            throw RuntimeError("\(name) \(path) is not a folder (a link or a file); refusing it")
        }
        let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value
        guard owner == Processes.effectiveUserID else {
            throw RuntimeError(
                "\(name) \(path) belongs to uid \(owner.map { "\($0)" } ?? "?"), not to this user; refusing it")
        }
        let permissions = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        guard permissions & 0o077 == 0 else {
            throw RuntimeError(
                "\(name) \(path) is open to other users (mode \(String(permissions, radix: 8))); it must be 0700")
        }
    }

    /// Removes this run's folder (not `RUNTIME_DIR`) and lets its lock go.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
        runLock?.close()
    }
}
