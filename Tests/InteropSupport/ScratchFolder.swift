import Foundation

/// A new folder in the system's temporary directory, removed with everything in it when the
/// last reference goes: held by a test suite, it lives exactly as long as one test (Swift Testing
/// makes a suite value per test), so no run leaves files behind in `/tmp`.
public final class ScratchFolder: Sendable {
    public let path: String

    /// Creates `<tmp>/<prefix>-<UUID>`.
    public init(_ prefix: String) throws {
        path = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the folder (nothing is created).
    public func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
