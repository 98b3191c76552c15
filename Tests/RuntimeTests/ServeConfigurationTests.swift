import Foundation
import GatewayClient
import GeneratedProtocol
import Testing

/// `kubeclaw serve`'s one configuration value: every setting is read as flag > environment >
/// config file > default, every setting has its environment variable, and a value out of range
/// stops the start (exit 78) naming the flag and the variable, before any arithmetic on it.
@Suite(.timeLimit(.minutes(5)))
struct ServeConfigurationTests {
    @Test("flag beats environment beats config file beats default, as config.get shows")
    func precedence() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-precedence-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ollama = try await RunningSimulator.start(directory: directory)
        defer { ollama.process.stop() }
        let configPath = directory + "/config.json"
        // The file names an unreachable Ollama and a model; the environment overrides the URL,
        // the flag the model; numCtx comes from the file alone.
        try Data(#"{"agent":{"model":"file-model"},"ollama":{"url":"http://127.0.0.1:9","numCtx":4096}}"#.utf8)
            .write(to: URL(fileURLWithPath: configPath))
        let gateway = try await RunningGateway.start(
            directory: directory, token: "precedence-\(UUID().uuidString)",
            arguments: ["--config", configPath, "--model", "flag-model", "--max-connections", "77"],
            environment: [
                "OLLAMA_HOST": ollama.url, "KUBECLAW_MODEL": "env-model", "KUBECLAW_MAX_CONNECTIONS": "123",
                "KUBECLAW_MAX_HTTP_CONNECTIONS": "45", "KUBECLAW_UPGRADE_TIMEOUT": "2.5", "KUBECLAW_TICK_INTERVAL": "7",
            ])
        defer { gateway.process.stop() }
        let session = try await gateway.connect()
        let config = try #require(try await session.request("config.get").payload?["config"])
        #expect(config["ollama"]?["url"]?.stringValue == ollama.url, "environment over file")
        #expect(config["agent"]?["model"]?.stringValue == "flag-model", "flag over environment over file")
        #expect(config["ollama"]?["numCtx"]?.intValue == 4096, "file over default")
        #expect(config["gateway"]?["maxConnections"]?.intValue == 77, "flag over environment")
        #expect(config["gateway"]?["maxHttpConnections"]?.intValue == 45, "a setting with no flag given comes from its variable")
        #expect(config["gateway"]?["upgradeTimeoutMs"]?.intValue == 2500)
        #expect(config["gateway"]?["tickIntervalMs"]?.intValue == 7000)
        #expect(config["gateway"]?["maxPayload"]?.intValue == 65536, "the default")
        await session.close()
    }

    @Test("--rate-limit 0 turns every budget off unless reads get their own: --read-rate-limit 3 refuses the 4th read")
    func rateLimitZeroKeepsAnExplicitReadBudget() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-read-budget-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let gateway = try await RunningGateway.start(
            directory: directory, token: "reads-\(UUID().uuidString)",
            arguments: ["--ollama-url", "http://127.0.0.1:9", "--rate-limit", "0"],
            environment: ["KUBECLAW_READ_RATE_LIMIT": "3", "KUBECLAW_READ_RATE_LIMIT_WINDOW": "600"])
        defer { gateway.process.stop() }
        let session = try await gateway.connect()
        for _ in 0..<3 {
            #expect(try await session.request("health").ok)
        }
        let limited = try await session.request("health")
        #expect(limited.error?.code == "UNAVAILABLE")
        #expect(limited.error?.details?["method"] == "health")
        let writer = try await gateway.connect()
        for index in 0..<25 {
            let patched = try await writer.request("sessions.patch", params: ["key": .string("agent:main:r\(index)")])
            #expect(patched.ok, "writes stay unlimited: \(String(describing: patched.error))")
        }
        await session.close()
        await writer.close()
    }

    @Test("a value out of range stops the start with exit 78, naming the flag and its variable", arguments: [
        ("KUBECLAW_HANDSHAKE_TIMEOUT", "1e300", "--handshake-timeout (KUBECLAW_HANDSHAKE_TIMEOUT)"),
        ("KUBECLAW_SHUTDOWN_GRACE", "-1", "--shutdown-grace (KUBECLAW_SHUTDOWN_GRACE)"),
        ("KUBECLAW_TICK_INTERVAL", "nan", "--tick-interval (KUBECLAW_TICK_INTERVAL)"),
        ("KUBECLAW_PORT", "http", "--port (KUBECLAW_PORT)"),
        ("KUBECLAW_PORT", "70000", "--port (KUBECLAW_PORT)"),
        ("KUBECLAW_RATE_LIMIT", "9223372036854775807", "--rate-limit (KUBECLAW_RATE_LIMIT)"),
        ("KUBECLAW_MAX_PAYLOAD", "1", "--max-payload (KUBECLAW_MAX_PAYLOAD)"),
        ("KUBECLAW_EXEMPT_LOOPBACK_FROM_LOCKOUT", "maybe", "--[no-]exempt-loopback-from-lockout (KUBECLAW_EXEMPT_LOOPBACK_FROM_LOCKOUT)"),
        ("KUBECLAW_LOG_LEVEL", "loud", "--log-level (KUBECLAW_LOG_LEVEL)"),
    ])
    func outOfRange(_ variable: String, _ value: String, _ named: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-range-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (status, output) = try await ChildProcess.run(
            // No --port: the KUBECLAW_PORT cases must reach the variable (a flag would win). Every case
            // stops before anything binds.
            try BuiltProducts.path(of: "kubeclaw"), ["serve", "--http-port", "0", "--data-dir", directory],
            environment: ChildProcess.minimalEnvironment.merging([variable: value, "OPENCLAW_GATEWAY_TOKEN": "t"]) { _, new in new })
        #expect(status == 78, "exit \(String(describing: status)); output: \(output)")
        #expect(output.contains(named) && output.contains("'\(value)'"), "\(output)")
    }
}

extension ServeConfigurationTests {
    @Test("docs/configuration.md and kubeclaw serve --help name the same environment variables")
    func documentedVariables() async throws {
        let docs = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let table = docs.split(separator: "\n").filter { $0.hasPrefix("| `") }
        let documented = Set(table.compactMap { row in
            row.split(separator: "|").dropFirst(2).first.flatMap { cell in
                cell.split(separator: "`").first { $0.allSatisfy { $0.isUppercase || $0 == "_" } && $0.contains("_") }.map(String.init)
            }
        })
        let (_, help) = try await ChildProcess.run(try BuiltProducts.path(of: "kubeclaw"), ["serve", "--help"])
        let words = help.split(whereSeparator: { !($0.isUppercase || $0 == "_") }).map(String.init)
        let inHelp = Set(words.filter { $0.hasPrefix("KUBECLAW_") || $0.hasPrefix("OPENCLAW_GATEWAY_") || $0 == "OLLAMA_HOST" || $0 == "DATABASE_URL" })
        #expect(documented.count >= 34, "\(documented.sorted())")
        #expect(documented == inHelp, "only documented: \(documented.subtracting(inHelp).sorted()); only in --help: \(inHelp.subtracting(documented).sorted())")
    }
}
