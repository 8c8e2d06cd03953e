import CConcurrencyHook
import NIOCore
import NIOPosix
import Synchronization

extension MCPApplication {
    /// Sizes NIO's shared event-loop group (`WORKER_THREADS`) and, with `TASKS_ON_EVENT_LOOPS`,
    /// makes it the executor of Swift's tasks, so a request read on an event loop is answered on
    /// that same thread instead of hopping to the cooperative pool and back (off by default: it
    /// measured more CPU per request, docs/PERFORMANCE.md). Once per process, before anything
    /// uses an event loop: the commands `serve` and `worker` call it; servers embedded in another
    /// program (and the tests) do not.
    func prepareEventLoops() {
        EventLoopSetup.once(threads: settings.processes.workerThreads, tasks: settings.processes.tasksOnEventLoops)
    }
}

/// The process-wide part of ``MCPApplication/prepareEventLoops()``: NIO lets both settings be
/// made only once, so later calls do nothing.
enum EventLoopSetup {
    /// nil until prepared; then whether Swift's tasks run on the event loops.
    private static let state = Mutex<Bool?>(nil)

    static func once(threads: Int?, tasks: Bool) {
        state.withLock { state in
            guard state == nil else { return }
            if let threads { NIOSingletons.groupLoopCountSuggestion = threads }
            state = tasks && installGlobalExecutor()
        }
    }

    /// The runtime's hook for jobs without an actor: `(job, original enqueue)`.
    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Makes NIO's shared group run every job that has no actor, on the calling thread's own
    /// loop when that thread is one of the group's (`any()` prefers it). NIO's
    /// `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor` does the same
    /// but finds the hook with `dlsym`, which fails in a `--static-swift-stdlib` binary (the
    /// release build and the image): the runtime's symbols are not exported there.
    private static func installGlobalExecutor() -> Bool {
        let hook: EnqueueGlobalHook = { job, _ in
            MultiThreadedEventLoopGroup.singleton.any().executor.enqueue(ExecutorJob(job))
        }
        return mcp_install_enqueue_global_hook(unsafeBitCast(hook, to: UnsafeRawPointer.self))
    }

    /// The group of a process that did not prepare NIO's shared one, made on first use.
    private static let ownGroup = Mutex<MultiThreadedEventLoopGroup?>(nil)

    /// The event loops HTTP runs on: NIO's shared group, which ``once(threads:tasks:)`` sized
    /// to `WORKER_THREADS` (one per CPU without it). A process that did not prepare it (a server
    /// embedded in another program) gets one group of its own when `WORKER_THREADS` is set, the
    /// same for every caller.
    static func group(threads: Int?) -> any EventLoopGroup {
        guard let threads, state.withLock({ $0 == nil }) else { return MultiThreadedEventLoopGroup.singleton }
        return ownGroup.withLock { group in
            if let group { return group }
            let made = MultiThreadedEventLoopGroup(numberOfThreads: threads)
            group = made
            return made
        }
    }

    /// Where this process runs Swift's tasks, for the start-up log: `event-loops` or `pool`.
    static var tasksRunOn: String { state.withLock { $0 ?? false } ? "event-loops" : "pool" }
}
