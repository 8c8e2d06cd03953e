import Foundation
import MCPCore
import MCPRuntime
import MCPStore
import Testing

@Suite("Settings")
struct SettingsTests {
    func settings(
        flags: [String: String] = [:], environment: [String: String] = [:], dotEnv: String? = nil
    ) async throws -> ServerSettings {
        var path: String?
        if let dotEnv {
            path = NSTemporaryDirectory() + "env-" + UUID().uuidString
            try dotEnv.write(toFile: path!, atomically: true, encoding: .utf8)
        }
        defer { if let path { try? FileManager.default.removeItem(atPath: path) } }
        return try ServerSettings(
            reading: try await SettingsReader.layered(flags: flags, environment: environment, dotEnvPath: path))
    }

    @Test func defaultsAreSafe() async throws {
        let defaults = try await settings()
        #expect(defaults.http.host == "127.0.0.1")
        #expect(defaults.http.port == 8000)
        #expect(defaults.transport == .streamableHTTP)
        #expect(defaults.environment == .development)
        #expect(defaults.http.statelessHTTP)
        #expect(defaults.http.maxBodySize == 4 * 1024 * 1024)
        #expect(defaults.apiKey == nil)
    }

    @Test func sealingKeysComeFromTheSecretAndSeveralReplicasNeedOne() async throws {
        let rotated = try await settings(
            environment: ["SECRET_KEY": "new", "SECRET_KEY_PREVIOUS": "old, older", "REQUEST_STATE_TTL": "30"])
        #expect(rotated.keys.previousSecretKeys == ["old", "older"])
        #expect(rotated.keys.requestStateTTL == 30)
        #expect(!rotated.keys.keyRing().isGenerated)
        #expect(try await settings().keys.keyRing().isGenerated, "without SECRET_KEY a key is made up")
        await #expect(throws: ConfigurationError.self) { try await settings(environment: ["REPLICAS": "3"]) }
        #expect(try await settings(environment: ["REPLICAS": "3", "SECRET_KEY": "s"]).keys.replicas == 3)
    }

    @Test func taskSettingsNameTheStoreAndItsLimits() async throws {
        let defaults = try await settings().tasks
        #expect(defaults.store == .runtimeFolder)
        #expect(defaults.configuration.defaultTTL == .seconds(3600) && defaults.configuration.perPrincipal == 100)
        #expect(
            defaults.configuration.lease == .seconds(10) && defaults.configuration.maintenanceInterval == .seconds(1))
        let custom = try await settings(
            environment: [
                "TASK_STORE": "postgres://mcp:secret@db:5432/tasks", "TASK_TTL": "60", "TASK_MAX_TTL": "120",
                "TASKS_PER_PRINCIPAL": "5", "TASK_POLL_INTERVAL": "0.5", "TASK_LEASE": "2",
            ]
        ).tasks
        #expect(custom.store == .postgres(url: "postgres://mcp:secret@db:5432/tasks"))
        #expect(custom.configuration.maximumTTL == .seconds(120) && custom.configuration.perPrincipal == 5)
        #expect(custom.configuration.pollInterval == .milliseconds(500))
        #expect(custom.configuration.maintenanceInterval == .milliseconds(500), "renewed well within the lease")
        #expect(try await settings(environment: ["TASK_STORE": "off"]).tasks.store == .off)
        for bad in [
            ["TASK_STORE": "mysql://x"], ["TASK_TTL": "60", "TASK_MAX_TTL": "30"], ["TASKS_PER_PRINCIPAL": "0"],
        ] {
            await #expect(throws: ConfigurationError.self) { try await settings(environment: bad) }
        }
    }

    @Test func tasksRunOnTheEventLoopsOnlyWhenAsked() async throws {
        let defaults = try await settings().processes
        #expect(!defaults.tasksOnEventLoops && defaults.workerThreads == nil)
        let on = try await settings(environment: ["TASKS_ON_EVENT_LOOPS": "true", "WORKER_THREADS": "1"]).processes
        #expect(on.tasksOnEventLoops && on.workerThreads == 1)
        await #expect(throws: ConfigurationError.self) {
            try await settings(environment: ["TASKS_ON_EVENT_LOOPS": "sometimes"])
        }
    }

    @Test func everyWorkerAcceptsUnlessOneIsAsked() async throws {
        #expect(try await settings().processes.acceptingWorkers == .all)
        #expect(try await settings(environment: ["ACCEPTING_WORKERS": "one"]).processes.acceptingWorkers == .one)
        #expect(try await settings(environment: ["ACCEPTING_WORKERS": "ONE"]).processes.acceptingWorkers == .one)
        await #expect(throws: ConfigurationError.self) { try await settings(environment: ["ACCEPTING_WORKERS": "two"]) }
    }

    /// In-process TLS is the `TLS` trait's: a build without it refuses a certificate at start-up
    /// (exit 2) instead of serving plain HTTP where HTTPS was asked for.
    @Test func aCertificateNeedsTheTLSTrait() async throws {
        let files = ["TLS_CERT_FILE": "/certs/server.crt", "TLS_KEY_FILE": "/certs/server.key"]
        #if TLS
            #expect(try await settings(environment: files).http.tlsCertificateFile == "/certs/server.crt")
        #else
            await #expect(throws: ConfigurationError.self) { try await settings(environment: files) }
        #endif
        await #expect(throws: ConfigurationError.self) {
            try await settings(environment: ["TLS_CERT_FILE": "/certs/server.crt"])
        }
    }

    @Test func flagsBeatEnvironmentWhichBeatsDotEnv() async throws {
        let dotEnv = "PORT=7000\nHOST=10.0.0.1\nLOG_LEVEL=error\n"
        let fromFile = try await settings(dotEnv: dotEnv)
        #expect(fromFile.http.port == 7000)
        #expect(fromFile.logging.level == .error)
        let fromEnvironment = try await settings(environment: ["PORT": "7100"], dotEnv: dotEnv)
        #expect(fromEnvironment.http.port == 7100)
        #expect(fromEnvironment.http.host == "10.0.0.1")
        let fromFlags = try await settings(flags: ["PORT": "7200"], environment: ["PORT": "7100"], dotEnv: dotEnv)
        #expect(fromFlags.http.port == 7200)
    }

    @Test func dotEnvReadsLikeComposeAndShells() async throws {
        let dotEnv = """
            # a comment
            APP_NAME="Awesome MCP Server"
            export HOST=10.0.0.2
              PORT = 7300
            LOG_LEVEL='warning'
            ALLOWED_ORIGINS="https://a.example, https://b.example"
            APP_VERSION="unterminated
            PORT=7301
            """
        let read = try await settings(dotEnv: dotEnv)
        #expect(read.appName == "Awesome MCP Server")
        #expect(read.http.host == "10.0.0.2")
        #expect(read.http.port == 7301, "the last line for a key wins")
        #expect(read.logging.level == .warning)
        #expect(read.edge.allowedOrigins == ["https://a.example", "https://b.example"])
        #expect(read.appVersion == "\"unterminated", "unmatched quotes are kept")
    }

    @Test func productionDefaultsToJSONLogs() async throws {
        let production = try await settings(environment: ["ENVIRONMENT": "production"])
        #expect(production.logging.format == .json)
        #expect(production.logging.level == .info)
        let development = try await settings()
        #expect(development.logging.format == .text)
        #expect(development.logging.level == .debug)
        let overridden = try await settings(environment: ["ENVIRONMENT": "PRODUCTION", "LOG_FORMAT": "text"])
        #expect(overridden.environment == .production)
        #expect(overridden.logging.format == .text)
    }

    /// Production recycles a worker after 500,000 requests plus up to 50,000 (the figures and why
    /// in docs/PERFORMANCE.md, "Recycling: how often"); elsewhere workers are not recycled.
    @Test func productionRecyclesWorkersRarelyEnoughToCostLittle() async throws {
        let production = try await settings(environment: ["ENVIRONMENT": "production"]).processes
        #expect(production.maxRequests == 500_000 && production.maxRequestsJitter == 50_000)
        let development = try await settings().processes
        #expect(development.maxRequests == 0 && development.maxRequestsJitter == 0)
        let set = try await settings(environment: ["ENVIRONMENT": "production", "MAX_REQUESTS": "0"]).processes
        #expect(set.maxRequests == 0)
    }

    @Test(arguments: [
        ("LOG_LEVEL", "verbose", "trace, debug, info, notice, warning, error, critical"),
        ("PORT", "http", "a whole number from 0 to 65535"),
        ("TRANSPORT", "websocket", "stdio, streamable-http, sse"),
        ("STATELESS_HTTP", "maybe", "true or false"),
        ("MAX_BODY_SIZE", "12", "a whole number from 1024 to 1073741824"),
        ("FORWARDED_ALLOW_IPS", "nginx", "IP addresses and CIDR blocks (10.0.0.0/8), * for any peer, or none"),
    ])
    func invalidValuesNameTheKeyTheValueAndWhatIsAllowed(_ key: String, _ value: String, _ allowed: String) async throws
    {
        do {
            _ = try await settings(environment: [key: value])
            Issue.record("accepted \(key)=\(value)")
        } catch let error as ConfigurationError {
            #expect(error.key == key)
            #expect(error.value == value)
            #expect(error.allowed == allowed)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func slowCallThresholdReachesTheToolThreads() async throws {
        var configuration = ServerConfiguration(info: ServerInfo(name: "t", version: "1"))
        try await settings().tools.applyLimits(to: &configuration)
        #expect(configuration.blockingWork.slowCallNanoseconds == 2_000_000, "2 ms by default")
        try await settings(environment: ["TOOL_SLOW_CALL_MS": "250"]).tools.applyLimits(to: &configuration)
        #expect(configuration.blockingWork.slowCallNanoseconds == 250_000_000)
        await #expect(throws: ConfigurationError.self) { try await settings(environment: ["TOOL_SLOW_CALL_MS": "0"]) }
    }

    @Test func secretsAreOnlyReportedAsPresent() async throws {
        let withKey = try await settings(environment: ["API_KEY": "s3cret"])
        #expect(withKey.apiKey == "s3cret")
        #expect(withKey.secretsPresent == ["API_KEY": true, "SECRET_KEY": false])
    }

    @Test func envExampleDocumentsEveryKeyTheServerReads() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let example = try String(contentsOf: root.appendingPathComponent("env.example"), encoding: .utf8)
        let reader = try await SettingsReader.layered(flags: [:], environment: [:], dotEnvPath: nil)
        _ = try ServerSettings(reading: reader)
        #expect(reader.keysRead.count > 15)
        for key in reader.keysRead.sorted() {
            #expect(example.contains(key + "="), "env.example lacks \(key)")
        }
    }
}

@Suite("Health check target")
struct HealthCheckTargetTests {
    @Test(arguments: [
        ("0.0.0.0", false, "http://127.0.0.1:8000/health"),
        ("127.0.0.1", false, "http://127.0.0.1:8000/health"),
        ("::", false, "http://[::1]:8000/health"),
        ("10.1.2.3", true, "https://10.1.2.3:8000/health"),
        ("fd00::7", false, "http://[fd00::7]:8000/health"),
    ])
    func probesTheAddressThatReachesTheServer(_ host: String, _ tls: Bool, _ expected: String) {
        #expect(HealthCheck.url(host: host, port: 8000, tls: tls) == expected)
    }
}
