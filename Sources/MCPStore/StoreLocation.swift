package import Logging
package import MCPCore

/// Where tasks and change events live, as `TASK_STORE` names it:
///
/// | value | store |
/// | --- | --- |
/// | unset | SQLite in the runtime folder (every worker of this server; gone when it stops) |
/// | `sqlite:///var/lib/mcp/tasks.sqlite3`, `sqlite:tasks.sqlite3` | SQLite at that path (kept across restarts) |
/// | `postgres://user:password@host:5432/db` (or `postgresql://`) | PostgreSQL: every replica (needs the `PostgreSQL` package trait) |
/// | `off` | no store: tools run only as ordinary calls |
package enum StoreLocation: Sendable, Equatable {
    /// SQLite in the supervisor's runtime folder: shared by this server's workers, gone when it stops.
    case runtimeFolder
    /// SQLite at `path`, kept across restarts.
    case sqlite(path: String)
    /// PostgreSQL at `url`, shared by every replica.
    case postgres(url: String)
    /// No store: tools run only as ordinary calls.
    case off

    /// Reads a `TASK_STORE` value; nil when it names no store this build knows.
    package init?(setting: String?) {
        let text = String((setting ?? "").drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !text.isEmpty else {
            self = .runtimeFolder
            return
        }
        if text == "off" || text == "none" {
            self = .off
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else { return nil }
            self = .sqlite(path: path)
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { return nil }
            self = .sqlite(path: path)
        } else {
            return nil
        }
    }

    /// The file name of the default store inside a runtime folder.
    package static let runtimeFileName = "tasks.sqlite3"

    /// True when this build can open PostgreSQL stores (the `PostgreSQL` trait is on).
    package static var postgresAvailable: Bool {
        #if PostgreSQL
            return true
        #else
            return false
        #endif
    }
}

/// A store of tasks that also carries the change feed.
package typealias SharedStore = TaskStore & ChangeFeed

/// Why a store could not be opened.
package struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, for the start-up error message.
    package let description: String

    /// An error saying `description`.
    package init(_ description: String) { self.description = description }
}

extension StoreLocation {
    /// Opens the store; nil for ``off``.
    /// - Parameters:
    ///   - runtimeFolder: the folder of ``runtimeFolder`` stores.
    ///   - origin: this instance's name, stamped on the events it publishes.
    package func open(runtimeFolder: String, origin: String, logger: Logger) async throws -> (any SharedStore)? {
        switch self {
        case .off:
            return nil
        case .runtimeFolder:
            return try SQLiteTaskStore(path: runtimeFolder + "/" + Self.runtimeFileName, origin: origin)
        case .sqlite(let path):
            return try SQLiteTaskStore(path: path, origin: origin)
        case .postgres(let url):
            #if PostgreSQL
                return try await PostgresTaskStore.connect(url: url, origin: origin, logger: logger)
            #else
                _ = url
                throw StoreError(
                    "TASK_STORE names PostgreSQL, but this build has no PostgreSQL support: build with "
                        + "--traits PostgreSQL (swift build -c release --traits PostgreSQL)")
            #endif
        }
    }

    /// The location without credentials, for logs.
    package var logDescription: String {
        switch self {
        case .off: return "off"
        case .runtimeFolder: return "sqlite (runtime folder)"
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard let at = url.lastIndex(of: "@") else { return url }
            let scheme = url.hasPrefix("postgresql://") ? "postgresql://" : "postgres://"
            return scheme + "***" + url[at...]
        }
    }
}
