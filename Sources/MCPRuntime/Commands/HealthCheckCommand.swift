import ArgumentParser

/// `healthcheck`: exit 0 when `/health` answers healthy (container HEALTHCHECK without curl).
struct HealthCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck", abstract: "Exit 0 when the server's /health answers healthy.")

    @Option(help: "URL to check (default: /health on HOST:PORT, loopback for 0.0.0.0 and ::; https with TLS).")
    var url: String?
    @Option(help: "Seconds to wait for the answer.") var timeout: Double = 3
    @OptionGroup var options: SettingOptions

    func run() async throws {
        var target = url
        if target == nil {
            let settings = try await options.settings()
            if settings.transport == .stdio {
                // A stdio server has no endpoint; its client notices when it stops answering.
                print("healthy: nothing to probe (TRANSPORT=stdio)")
                return
            }
            target = HealthCheck.url(
                host: settings.http.host, port: settings.http.port, tls: settings.http.tlsCertificateFile != nil)
        }
        let healthy = await HealthCheck.check(url: target!, timeout: .milliseconds(Int(timeout * 1000)))
        print(healthy.message)
        throw ExitCode(healthy.ok ? 0 : 1)
    }
}

/// `workers`: how many workers this configuration runs here (for the container entrypoint).
struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "Print how many worker processes would run here, from WORKERS or the CPU budget.")

    @Option(help: "Root of the cgroup file system to read CPU quotas from.") var cgroupRoot = "/sys/fs/cgroup"
    @Flag(help: "Explain where the number comes from.") var explain = false
    @OptionGroup var options: SettingOptions

    func run() async throws {
        let settings = try await options.settings()
        let budget = CPUBudget.detect(cgroupRoot: cgroupRoot)
        let count = settings.workerCount(budget: budget)
        guard explain else {
            print(count)
            return
        }
        let processes = settings.processes
        let rule =
            settings.transport == .sse
            ? "TRANSPORT=sse keeps its sessions in one process"
            : processes.workers.map { "WORKERS=\($0)" }
                ?? "ceil(\(budget.cpus) CPUs x \(processes.workersPerCPU)) + \(processes.workersExtra), within \(processes.workersMin)..\(processes.workersMax)"
        print("\(count) \(count == 1 ? "worker" : "workers"): \(rule) (CPUs from \(budget.source))")
    }
}

/// `dev`: rebuild and restart on every change under Sources/ (the original's `--reload`).
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev", abstract: "Development mode: rebuild and restart when Sources/ changes.")

    @Option(help: "Seconds between checks for changes.") var interval: Double = 1
    @OptionGroup var options: SettingOptions

    func run() async throws {
        try await DevReloader(
            product: CurrentServer.definition.name, arguments: ["serve"] + options.arguments, interval: interval
        ).run()
    }
}
