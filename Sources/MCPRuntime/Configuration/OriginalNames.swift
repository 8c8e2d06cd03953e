/// What a configuration written for the Python original (Awesome-MCP-Scaffold: FastMCP behind
/// uvicorn) means here: its names that have another name in this server, the ones with no
/// counterpart, and "did you mean" for a key nobody reads. docs/MIGRATING.md has the table.
enum OriginalNames {
    /// The original's name → this server's name. Both still work; the old one with a notice.
    static let aliases: [(old: String, new: String)] = [
        ("VERSION", "APP_VERSION"), ("MCP_MOUNT_PATH", "MCP_PATH"), ("UVICORN_WORKERS", "WORKERS"),
        ("UVICORN_MAX_REQUESTS", "MAX_REQUESTS"), ("UVICORN_MAX_REQUESTS_JITTER", "MAX_REQUESTS_JITTER"),
        ("UVICORN_KEEPALIVE", "KEEPALIVE_TIMEOUT"),
    ]

    /// The original's settings that mean nothing here (its own choices, or services it never
    /// used): ignored with one notice rather than a "did you mean" each.
    static let withoutCounterpart: Set<String> = [
        "DEBUG", "CORS_CREDENTIALS", "CORS_METHODS", "CORS_HEADERS", "ALLOWED_FILE_TYPES", "HEALTH_CHECK_PATH",
        "UVICORN_WORKER_CLASS", "DATABASE_URL", "REDIS_URL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY",
    ]

    /// `variables` with each old name copied to its new name (a new name already set wins), and
    /// one notice per old name found. `source` says where they came from ("in .env", "in the environment").
    static func translate(
        _ variables: [String: String], source: String, notices: inout [String]
    ) -> [String: String] {
        var result = variables
        for (old, new) in aliases {
            guard let value = variables[old] else { continue }
            if variables[new] == nil {
                result[new] = value
                notices.append("\(old) \(source) is the Python original's name for \(new); it is deprecated: rename it")
            } else {
                notices.append("\(old) \(source) is ignored: \(new) is set too, and wins; remove \(old)")
            }
        }
        return result
    }

    /// One notice per key of the `.env` file that no setting reads: "did you mean" the closest
    /// known name when one is close, one line for the original's keys with no counterpart.
    static func unknownKeyNotices(fileKeys: Set<String>, known: Set<String>, path: String) -> [String] {
        let oldNames = Set(aliases.map(\.old))
        var notices: [String] = []
        var withoutMeaning: [String] = []
        for key in fileKeys.sorted() where !known.contains(key) && !oldNames.contains(key) {
            if withoutCounterpart.contains(key) {
                withoutMeaning.append(key)
            } else if let suggestion = closest(to: key, in: known) {
                notices.append("unknown key \(key) in \(path) (ignored); did you mean \(suggestion)?")
            } else {
                notices.append("unknown key \(key) in \(path) (ignored)")
            }
        }
        if !withoutMeaning.isEmpty {
            notices.append(
                "ignored in \(path): \(withoutMeaning.joined(separator: ", ")) (settings of the Python original "
                    + "with no counterpart here)")
        }
        return notices
    }

    /// The known name nearest to `key` by edit distance, if it is near enough to be a typo.
    static func closest(to key: String, in known: Set<String>) -> String? {
        let limit = key.count > 10 ? 3 : 2
        var best: (name: String, distance: Int)?
        for name in known.sorted() {
            let distance = editDistance(key.uppercased(), name)
            if distance <= limit, distance < (best?.distance ?? .max) { best = (name, distance) }
        }
        return best?.name
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ left: String, _ right: String) -> Int {
        let a = Array(left)
        let b = Array(right)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
