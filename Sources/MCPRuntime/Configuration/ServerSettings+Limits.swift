import Foundation
public import MCPCore
public import MCPHTTP

extension ServerSettings {
    /// Puts the bounded-work settings into a server configuration: `MAX_RESULT_SIZE`, and the
    /// threads and queue for synchronous work (`TOOL_THREADS`, default one per CPU of the cgroup
    /// quota; `TOOL_QUEUE_LIMIT`).
    public func applyLimits(to configuration: inout ServerConfiguration) {
        configuration.maxResultBytes = maxResultSize
        let threads = toolThreads ?? max(1, Int(CPUBudget.detect().cpus.rounded(.up)))
        configuration.blockingWork = BlockingWork(threads: threads, queueLimit: toolQueueLimit)
    }

    /// Puts the session lifetime into an HTTP configuration (`SESSION_MAX_AGE`).
    public func applySessionLifetime(to configuration: inout HTTPConfiguration) {
        configuration.sessionMaxAge = sessionMaxAge
    }

    /// Where a single process remembers sessions ended by DELETE: in `RUNTIME_DIR` when it is
    /// set (so a restart still refuses them), else nil (this process's memory).
    public func sessionRevocations() throws -> (any SessionRevocations)? {
        guard let runtimeDirectory, !runtimeDirectory.isEmpty, !statelessHTTP else { return nil }
        let directory = try RuntimeDirectory.persistent(runtimeDirectory)
        return try SharedSessionRevocations(path: directory + "/" + RuntimeDirectory.revokedSessionsFile)
    }
}
