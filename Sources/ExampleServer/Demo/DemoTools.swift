public import MCPCore

/// Tools for trying out progress, cancellation and graceful shutdown. Off by default
/// (`ENABLE_DEMO_TOOLS=true` turns them on), so production catalogues stay as declared.
@Catalogue
public struct DemoTools: Sendable {
    /// The demo tools; they have no state.
    public init() {}

    /// Show or hide a tool, resource or prompt of this server while it runs: clients that listen
    /// hear list_changed, on every worker.
    /// - Parameters:
    ///   - kind: tool, resource or prompt.
    ///   - name: Its name (a resource's URI).
    ///   - enabled: true shows it, false hides it.
    @Tool("set_enabled", title: "Show or Hide a Declaration")
    static func setEnabled(
        kind: DeclarationKindName, name: String, enabled: Bool, context: HandlerContext
    ) async throws -> String {
        guard let declaration = DeclarationKind(rawValue: kind.rawValue) else { throw ToolError("unknown kind") }
        do {
            try await context.setEnabled(enabled, declaration, named: name)
        } catch let error as RegistryError {
            throw ToolError(error.description)
        }
        return "\(kind.rawValue) \(name) \(enabled ? "shown" : "hidden")"
    }

    /// Work through a number of steps, sleeping between them and reporting progress after each.
    /// Stops early when the request is cancelled.
    /// - Parameters:
    ///   - steps: How many steps (1 to 1,000).
    ///   - step_ms: Milliseconds per step (0 to 10,000).
    @Tool("long_task", title: "Long Task", annotations: .pure)
    static func longTask(
        steps: Int = 5, step_ms stepMilliseconds: Int = 200, context: HandlerContext
    ) async throws
        -> LongTaskResult
    {
        guard (1...1000).contains(steps) else { throw ToolError("steps must be between 1 and 1000") }
        guard (0...10_000).contains(stepMilliseconds) else { throw ToolError("step_ms must be between 0 and 10000") }
        let clock = ContinuousClock()
        let start = clock.now
        for step in 1...steps {
            try await Task.sleep(for: .milliseconds(stepMilliseconds))
            await context.reportProgress(Double(step), total: Double(steps), message: "step \(step) of \(steps)")
            await context.log(.debug, .string("finished step \(step)"), logger: "long_task")
        }
        let elapsed = clock.now - start
        return LongTaskResult(
            steps: steps,
            elapsed_ms: elapsed.inMilliseconds)
    }
}

/// What `long_task` did.
@Schema
struct LongTaskResult: Sendable {
    var steps: Int
    var elapsed_ms: Int
}

/// The kinds of declaration `set_enabled` can show or hide.
enum DeclarationKindName: String, CaseIterable, Sendable, JSONStringEnum {
    /// A tool, a resource (by URI) or a prompt.
    case tool, resource, prompt
}
