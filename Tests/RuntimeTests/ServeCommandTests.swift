import Foundation
import GatewayClient
import GeneratedProtocol
import Testing

/// The real `kubeclaw` binary: what it refuses at start-up, its version, and that its flags and
/// token reach the running gateway as they should.
@Suite struct ServeCommandTests {
    @Test("kubeclaw serve refuses to bind 0.0.0.0 without a token and says how to fix it")
    func refusesUnauthenticatedPublicBind() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-public-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (status, output) = try await ChildProcess.run(
            try BuiltProducts.path(of: "kubeclaw"),
            ["serve", "--host", "0.0.0.0", "--port", "0", "--http-port", "0", "--data-dir", directory])
        #expect(status != nil && status != 0, "exit status \(String(describing: status)); output: \(output)")
        #expect(output.contains("OPENCLAW_GATEWAY_TOKEN"), "output: \(output)")
        #expect(output.contains("--allow-unauthenticated"))
        #expect(!FileManager.default.fileExists(atPath: directory), "nothing is created before the refusal")
    }

    @Test("connection-limit flags out of range stop the start, naming the flag", arguments: [
        ["--max-connections", "0"], ["--max-http-connections", "-1"], ["--upgrade-timeout", "0"],
        ["--http-idle-timeout", "1e300"], ["--upgrade-timeout", "nan"],
        ["--session-retention-days", "-1"], ["--max-messages-per-session", "-5"],
    ])
    func connectionLimitFlagsValidated(_ flag: [String]) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-limits-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (status, output) = try await ChildProcess.run(
            try BuiltProducts.path(of: "kubeclaw"),
            ["serve", "--port", "0", "--http-port", "0", "--data-dir", directory] + flag)
        #expect(status != nil && status != 0, "exit status \(String(describing: status)); output: \(output)")
        #expect(output.contains(flag[0]), "output: \(output)")
    }

    @Test("kubeclaw --version prints the version, the one hello-ok reports")
    func version() async throws {
        let (status, output) = try await ChildProcess.run(try BuiltProducts.path(of: "kubeclaw"), ["--version"])
        let version = output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(status == 0)
        #expect(version.range(of: #"^\d+\.\d+\.\d+"#, options: .regularExpression) != nil, "version: \(version)")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-version-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await ClosedPort.withURL { backendURL in
            let gateway = try await RunningGateway.start(
                directory: directory, token: "version-\(UUID().uuidString)", arguments: ["--ollama-url", backendURL])
            defer { gateway.process.stop() }
            let session = try await gateway.connect()
            #expect(session.hello?.server.version == version)
            await session.close()
        }
    }

    @Test("the serve flags reach the gateway, and neither config.get nor status reveals the token")
    func flagsAndToken() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-flags-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = "flags-\(UUID().uuidString)"
        try await ClosedPort.withURL { backendURL in
            let gateway = try await RunningGateway.start(
                directory: directory, token: token,
                arguments: ["--ollama-url", backendURL, "--rate-limit", "0", "--tick-interval", "1",
                            "--max-payload", "2048", "--max-buffered-bytes", "131072",
                            "--upgrade-timeout", "2.5", "--http-idle-timeout", "4", "--max-connections", "500",
                            "--max-http-connections", "16", "--session-retention-days", "7", "--max-messages-per-session", "50",
                            "--trusted-proxy", "10.1.2.3/8", "--trusted-proxy", "fd00::/8"])
            defer { gateway.process.stop() }
            let session = try await gateway.connect(instanceId: "flags")
            #expect(session.hello?.policy == .init(maxBufferedBytes: 131072, maxPayload: 2048, tickIntervalMs: 1000))

            // --rate-limit 0: more writes than the default budget of 20, none refused.
            for index in 0..<25 {
                let response = try await session.request("sessions.patch", params: ["key": .string("agent:main:f\(index)")])
                #expect(response.ok, "write \(index + 1): \(String(describing: response.error))")
            }

            for method in ["config.get", "status", "health"] {
                let frame = try await session.exchange(RequestFrame(id: method, method: method, params: [:]))
                #expect(frame.response?.ok == true, "\(method)")
                #expect(!frame.raw.contains(token), "\(method) revealed the token")
            }
            let config = try await session.request("config.get").payload?["config"]
            #expect(config?["gateway"]?["rateLimit"]?["messages"] == 0)
            #expect(config?["gateway"]?["readRateLimit"]?["messages"] == 0, "--rate-limit 0 turns the read budget off too")
            #expect(config?["gateway"]?["trustedProxies"] == ["10.0.0.0/8", "fd00::/8"])
            #expect(config?["gateway"]?["auth"]?["mode"] == "token")
            #expect(config?["gateway"]?["upgradeTimeoutMs"] == 2500)
            #expect(config?["gateway"]?["httpIdleTimeoutMs"] == 4000)
            #expect(config?["gateway"]?["maxConnections"] == 500)
            #expect(config?["gateway"]?["maxHttpConnections"] == 16)
            #expect(config?["gateway"]?["sessionRetentionDays"] == 7)
            #expect(config?["gateway"]?["maxMessagesPerSession"] == 50)
            #expect(config?["gateway"]?["auth"]?["token"] == "__OPENCLAW_REDACTED__")
            #expect(!gateway.process.output.contains(token), "the token was logged")
            await session.close()
        }
    }

    @Test("--token-file: the file's token (trimmed) is required and wins over OPENCLAW_GATEWAY_TOKEN; neither is logged")
    func tokenFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-token-file-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fileToken = "file-\(UUID().uuidString)", environmentToken = "env-\(UUID().uuidString)"
        // As a Kubernetes Secret created with `echo` holds it: with a trailing newline.
        try Data("  \(fileToken)\n".utf8).write(to: URL(fileURLWithPath: directory + "/token"))
        try await ClosedPort.withURL { backendURL in
            let gateway = try await RunningGateway.start(
                directory: directory, token: fileToken, environmentToken: environmentToken,
                arguments: ["--ollama-url", backendURL, "--token-file", directory + "/token"])
            defer { gateway.process.stop() }
            let session = try await gateway.connect()
            #expect(session.hello != nil, "the file's token is accepted")
            await session.close()

            let refused = try await GatewaySession.open(url: gateway.webSocketURL).0
            let response = try await refused.rawConnect(GatewayHarness.connectParams(token: environmentToken))
            #expect(response.ok == false, "the environment's token no longer is")
            await refused.close()
            #expect(!gateway.process.output.contains(fileToken) && !gateway.process.output.contains(environmentToken))
        }
    }

    @Test("--token-file that is missing or empty stops the start with exit 78, naming the file only")
    func tokenFileProblems() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-token-bad-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(" \n\n".utf8).write(to: URL(fileURLWithPath: directory + "/empty"))
        for (file, message) in [("missing", "cannot read --token-file"), ("empty", "is empty")] {
            let (status, output) = try await ChildProcess.run(
                try BuiltProducts.path(of: "kubeclaw"),
                ["serve", "--port", "0", "--http-port", "0", "--data-dir", directory + "/data", "--token-file", directory + "/" + file])
            #expect(status == 78, "\(file): exit \(String(describing: status)); output: \(output)")
            #expect(output.contains(message) && output.contains(directory + "/" + file), "\(file): \(output)")
        }
    }

    @Test("--trusted-proxy that is not an address or CIDR stops the start with exit 78 and says what it wants")
    func trustedProxyProblems() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-proxy-bad-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for value in ["ingress-nginx", "10.0.0.0/33"] {
            let (status, output) = try await ChildProcess.run(
                try BuiltProducts.path(of: "kubeclaw"),
                ["serve", "--port", "0", "--http-port", "0", "--data-dir", directory, "--trusted-proxy", value])
            #expect(status == 78, "\(value): exit \(String(describing: status)); output: \(output)")
            #expect(output.contains("--trusted-proxy must be an IP address or CIDR") && output.contains(value), "\(value): \(output)")
        }
    }

    @Test("--log-level reaches every part of the gateway: at debug, the server's own debug lines appear")
    func logLevelReachesTheServer() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-log-level-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await ClosedPort.withURL { backendURL in
            // The last --log-level wins over RunningGateway's info.
            let gateway = try await RunningGateway.start(
                directory: directory, token: "t-\(UUID().uuidString)",
                arguments: ["--ollama-url", backendURL, "--handshake-timeout", "0.5", "--log-level", "debug"])
            defer { gateway.process.stop() }
            // A socket that never sends connect: the connection's logger says so at debug. Before
            // the assembly took the configured level, its parts logged at info whatever was set.
            let silent = try await GatewaySession.open(url: gateway.webSocketURL).0
            do {
                try await eventually("a debug line of the connection in:\n\(gateway.process.output.suffix(1500))") {
                    gateway.process.output.split(separator: "\n").contains { $0.contains(" debug ") && $0.contains("handshake timed out") }
                }
            } catch {
                await silent.close()
                throw error
            }
            await silent.close()
        }
    }
}
