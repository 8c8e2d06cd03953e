import Foundation
import InteropSupport
import MCPRuntime
import Testing

/// Worker count from the CPUs this process may really use (cgroup quota first).
@Suite("CPU budget")
struct CPUBudgetTests {
    let scratch: ScratchFolder

    init() throws { scratch = try ScratchFolder("cgroup") }

    func fakeCgroup(_ files: [String: String]) throws -> String {
        let root = scratch.file(UUID().uuidString)
        for (path, content) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test(arguments: [
        ("200000 100000\n", 2.0, "cgroup-v2"), ("150000 100000", 1.5, "cgroup-v2"), ("max 100000", 64.0, "cores"),
        ("50000 100000", 0.5, "cgroup-v2"),
    ])
    func readsCgroupV2(_ content: String, _ cpus: Double, _ source: String) throws {
        let root = try fakeCgroup(["cpu.max": content])
        let budget = CPUBudget.detect(cgroupRoot: root, cores: 64)
        #expect(budget == CPUBudget(cpus: cpus, source: source))
    }

    @Test func readsCgroupV1() throws {
        let root = try fakeCgroup(["cpu/cpu.cfs_quota_us": "300000", "cpu/cpu.cfs_period_us": "100000"])
        #expect(CPUBudget.detect(cgroupRoot: root, cores: 64) == CPUBudget(cpus: 3, source: "cgroup-v1"))
        let unlimited = try fakeCgroup(["cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000"])
        #expect(CPUBudget.detect(cgroupRoot: unlimited, cores: 8) == CPUBudget(cpus: 8, source: "cores"))
    }

    @Test func aQuotaAboveTheCoreCountIsCapped() throws {
        let root = try fakeCgroup(["cpu.max": "800000 100000"])
        #expect(CPUBudget.detect(cgroupRoot: root, cores: 2).cpus == 2)
    }

    @Test func fallsBackToTheCoreCount() {
        #expect(CPUBudget.detect(cgroupRoot: "/nonexistent", cores: 4) == CPUBudget(cpus: 4, source: "cores"))
    }

    @Test func appliesTheWorkerFormula() {
        let two = CPUBudget(cpus: 2, source: "cgroup-v2")
        #expect(two.workers(perCPU: 1, extra: 0, minimum: 2, maximum: 8) == 2)
        #expect(two.workers(perCPU: 2, extra: 1, minimum: 2, maximum: 8) == 5, "the original's 2 x CPUs + 1")
        #expect(CPUBudget(cpus: 0.5, source: "cgroup-v2").workers(perCPU: 1, extra: 0, minimum: 2, maximum: 8) == 2)
        #expect(CPUBudget(cpus: 64, source: "cores").workers(perCPU: 2, extra: 1, minimum: 2, maximum: 8) == 8)
        #expect(CPUBudget(cpus: 1.5, source: "cgroup-v2").workers(perCPU: 1, extra: 0, minimum: 1, maximum: 8) == 2)
    }

    /// The default: a worker per two CPUs (one on two CPUs, where one serving process measured
    /// the shorter tail), at least one, at most eight.
    @Test(arguments: [(1.0, 1), (1.5, 1), (2.0, 1), (3.0, 2), (4.0, 2), (16.0, 8), (64.0, 8)])
    func defaultsToAWorkerPerTwoCPUs(_ cpus: Double, _ workers: Int) {
        let settings = ProcessSettings()
        let budget = CPUBudget(cpus: cpus, source: "cgroup-v2")
        #expect(
            budget.workers(
                perCPU: settings.workersPerCPU, extra: settings.workersExtra, minimum: settings.workersMin,
                maximum: settings.workersMax) == workers)
    }
}
