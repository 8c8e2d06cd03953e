import Foundation
import MCPPlatform

/// Where the file tools work when `WORKSPACE_DIR` is not set. Never relative to the working
/// directory: desktop clients (Claude Desktop, for one) start stdio servers in `/`.
///
/// `$XDG_DATA_HOME/<name>/workspace`, else `$HOME/.local/share/<name>/workspace`. When that
/// cannot be created (no `HOME`, a read-only home), `$XDG_RUNTIME_DIR/<name>/workspace`, else
/// `<temporary folder>/<name>-user-<uid>/workspace` (a folder only this user may enter), with a notice
/// saying why; files there do not outlive a reboot.
enum DefaultWorkspace {
    struct Choice: Equatable {
        var path: String
        var notice: String?
    }

    /// - Parameter problem: why a folder cannot be created, or nil when it can (tests replace it).
    static func choose(
        name: String, environment: [String: String], problem: (String) -> String? = DefaultWorkspace.problem(creating:)
    ) throws(ConfigurationError) -> Choice {
        let preferred: String?
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            preferred = data + "/\(name)/workspace"
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            preferred = (home == "/" ? "" : home) + "/.local/share/\(name)/workspace"
        } else {
            preferred = nil
        }
        let why: String
        if let preferred {
            guard let reason = problem(preferred) else { return Choice(path: preferred) }
            why = "\(preferred) cannot be created (\(reason))"
        } else {
            why = "HOME is not set"
        }
        let fallback: String
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/"), problem(runtime) == nil {
            fallback = runtime + "/\(name)/workspace"
        } else {
            let temporary = environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
            let own =
                (temporary.hasSuffix("/") ? String(temporary.dropLast()) : temporary)
                + "/\(name)-user-\(Processes.userID)"
            if let reason = ownPrivateFolder(own) {
                throw ConfigurationError(
                    key: "WORKSPACE_DIR", value: "",
                    allowed: "a folder for the file tools: \(why), and \(own) \(reason)")
            }
            fallback = own + "/workspace"
        }
        return Choice(
            path: fallback,
            notice: "WORKSPACE_DIR is not set and \(why): the file tools use \(fallback), which does not outlive a "
                + "reboot; set WORKSPACE_DIR to keep files")
    }

    /// Why `path` cannot be created by this process (its nearest existing ancestor is not a
    /// writable folder), or nil when it can. Creates nothing.
    static func problem(creating path: String) -> String? {
        var candidate = path
        while true {
            if let status = FileSystem.status(candidate) {
                guard status.kind == .directory else { return "\(candidate) is not a folder" }
                if !FileSystem.canWriteAndSearch(candidate) { return "\(candidate): \(SystemErrno.currentMessage)" }
                return nil
            }
            let failure = SystemErrno.current
            guard failure == SystemErrno.notFound || failure == SystemErrno.notADirectory,
                let slash = candidate.lastIndex(of: "/")
            else {
                return "\(candidate): \(SystemErrno.message(failure))"
            }
            candidate = slash == candidate.startIndex ? "/" : String(candidate[..<slash])
        }
    }

    /// Makes `path` a folder that only this user may enter; why it cannot be, or nil. A folder
    /// that is already there must be this user's own and closed to others (nobody else can have
    /// prepared it in a shared temporary folder).
    static func ownPrivateFolder(_ path: String) -> String? {
        if !FileSystem.makeDirectory(path, permissions: 0o700) && SystemErrno.current != SystemErrno.exists {
            return "cannot be created: \(SystemErrno.currentMessage)"
        }
        guard let status = FileSystem.status(path, followingLinks: false) else {
            return "cannot be read: \(SystemErrno.currentMessage)"
        }
        guard status.kind == .directory, status.owner == Processes.userID, status.permissions & 0o077 == 0 else {
            return "exists but is not a private folder of this user"
        }
        return nil
    }
}
