import Foundation
import MCPPlatform

/// The descriptors and environment a supervisor hands to each worker (systemd-style):
/// fd 3 is the listening socket, fd 4 the pipe the worker reports on, fd 5 a pipe whose end
/// of file means the supervisor is gone.
package enum WorkerChannel {
    /// fd 3: the listening socket the supervisor bound, shared by every worker.
    package static let listeningSocket: Int32 = 3
    /// fd 4: the pipe the worker writes its ``Report`` lines to.
    package static let reports: Int32 = 4
    /// fd 5: a pipe whose end of file tells the worker the supervisor is gone.
    package static let supervisorAlive: Int32 = 5

    /// The environment variable with the worker's slot number, for logs and metrics files.
    package static let workerIDVariable = "MCP_WORKER_ID"
    /// The environment variable with this run's private folder (``RuntimeDirectory/path``).
    package static let runtimeDirectoryVariable = "MCP_RUNTIME_DIR"
    /// Where state that outlives a run is kept (`RUNTIME_DIR`, else the run's folder).
    package static let persistentDirectoryVariable = "MCP_RUNTIME_PERSISTENT_DIR"
    /// The environment variable with the key the supervisor made up (hex) when `SECRET_KEY` is unset.
    package static let sessionKeyVariable = "MCP_SESSION_KEY"

    /// What a worker tells its supervisor, one word per line.
    package enum Report: String, Sendable {
        /// Serving (registry built, hot path warmed).
        case ready
        /// Reached its request quota: replace me.
        case max
        /// Still alive and serving.
        case beat
    }

    /// Writes one report; false when the supervisor is gone.
    @discardableResult
    package static func send(_ report: Report) -> Bool {
        let line = Array((report.rawValue + "\n").utf8)
        return line.withUnsafeBytes { Descriptors.write(reports, $0.baseAddress, $0.count) } == line.count
    }

    /// Calls `onEnd` (on a thread of its own) when the supervisor's end of fd 5 closes.
    package static func watchSupervisor(onEnd: @escaping @Sendable () -> Void) {
        let thread = Thread {
            PlatformThread.nameCurrent("mcp-sup-watch")
            var byte: UInt8 = 0
            while true {
                let count = Descriptors.read(supervisorAlive, &byte, 1)
                if count == 0 || (count < 0 && SystemErrno.current != SystemErrno.interrupted) { break }
            }
            onEnd()
        }
        thread.start()
    }

    /// Hex text of a key, for the environment.
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func bytes(fromHex text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) ?? text.endIndex
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
