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
package struct RuntimeDirectory: Sendable {
    /// This run's folder (removed when the supervisor stops).
    package let path: String
    /// The folder for state that outlives a run: `RUNTIME_DIR`, else ``path``.
    package let persistent: String

    /// The folder of the workers' metrics files.
    package var metrics: String { path + "/metrics" }
    /// The shared session table's file.
    package var sessionTable: String { path + "/sessions.table" }
    /// The workers' relay sockets (``WorkerRelay``), one per process.
    package var relay: String { path + "/relay" }
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
        guard let path = FileSystem.makeUniqueDirectory(base + "/mcp-server-XXXXXXXX") else {
            throw RuntimeError("cannot create a runtime folder in \(base) (errno \(SystemErrno.current))")
        }
        try verifyPrivate(path, name: "runtime folder")
        for folder in ["metrics", "relay"] where !FileSystem.makeDirectory(path + "/" + folder, permissions: 0o700) {
            throw RuntimeError("cannot create \(path)/\(folder) (errno \(SystemErrno.current))")
        }
        return RuntimeDirectory(path: path, persistent: parent.flatMap { $0.isEmpty ? nil : $0 } ?? path)
    }

    /// The folders a worker was handed by its supervisor, checked before use.
    package static func adopt(path: String, persistent: String?) throws -> RuntimeDirectory {
        try verifyPrivate(path, name: "runtime folder")
        try verifyPrivate(path + "/metrics", name: "metrics folder")
        let persistent = persistent ?? path
        if persistent != path { try verifyPrivate(persistent, name: "RUNTIME_DIR") }
        return RuntimeDirectory(path: path, persistent: persistent)
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

    /// Removes this run's folder (not `RUNTIME_DIR`).
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
