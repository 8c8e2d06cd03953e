import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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
                (temporary.hasSuffix("/") ? String(temporary.dropLast()) : temporary) + "/\(name)-user-\(getuid())"
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
            var status = stat()
            if stat(candidate, &status) == 0 {
                guard status.st_mode & S_IFMT == S_IFDIR else { return "\(candidate) is not a folder" }
                if access(candidate, W_OK | X_OK) != 0 { return "\(candidate): \(String(cString: strerror(errno)))" }
                return nil
            }
            guard errno == ENOENT || errno == ENOTDIR, let slash = candidate.lastIndex(of: "/") else {
                return "\(candidate): \(String(cString: strerror(errno)))"
            }
            candidate = slash == candidate.startIndex ? "/" : String(candidate[..<slash])
        }
    }

    /// Makes `path` a folder that only this user may enter; why it cannot be, or nil. A folder
    /// that is already there must be this user's own and closed to others (nobody else can have
    /// prepared it in a shared temporary folder).
    static func ownPrivateFolder(_ path: String) -> String? {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            return "cannot be created: \(String(cString: strerror(errno)))"
        }
        var status = stat()
        guard lstat(path, &status) == 0 else { return "cannot be read: \(String(cString: strerror(errno)))" }
        guard status.st_mode & S_IFMT == S_IFDIR, status.st_uid == getuid(), status.st_mode & 0o077 == 0 else {
            return "exists but is not a private folder of this user"
        }
        return nil
    }
}
